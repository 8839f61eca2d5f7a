"""A layered drawing of a directed acyclic graph, the way Graphviz's `dot` does it, in plain Python.

Sugiyama's method in four steps:

1. Ranks: each node sits one rank below its deepest predecessor (the longest
   path from the sources), and the sinks go to the last rank.
2. Long edges: an edge that skips ranks gets a chain of invisible "dummy" nodes,
   one per rank it crosses, so it can be routed around the boxes in between.
3. Order: a few sweeps down and up the ranks sort each rank by the barycenter
   (mean position) of its neighbours, which removes most edge crossings. An edge
   into argument k of a merge node counts at that node's k-th port, so a merge
   node's inputs end up left to right in argument order.
4. Coordinates: nodes move towards their neighbours (so edges run straight),
   keeping their order and a gap; each rank is as thick as its biggest node.

Everything is computed in (across, along) coordinates: across a rank, and along
the ranks. ``rankdir='TB'`` maps them to (x, y) with y growing downwards; ``'LR'``
to (y, x).
"""
from collections import defaultdict

NODE_GAP = 18.0  # between neighbours in a rank
RANK_GAP = 30.0  # between ranks
DUMMY_SIZE = 6.0
MARGIN = 8.0


class Layout:
    """Where everything goes: ``boxes[key] = (x, y, width, height)`` (x, y the centre) and edge routes."""

    def __init__(self, boxes, routes, ranks, width, height):
        self.boxes, self.routes, self.ranks = boxes, routes, ranks
        self.width, self.height = width, height


def layered_layout(nodes, sizes, edges, rankdir="TB", node_gap=NODE_GAP, rank_gap=RANK_GAP, margin=MARGIN):
    """Lay out a DAG.

    nodes: keys in a preferred order (ties in ordering keep it);
    sizes: ``{key: (width, height)}``;
    edges: ``(source, target, port, ports)``, with `port` the argument index at the target out of `ports`.
    Returns a `Layout`; each route is ``(edge, points)``, from the source's border to the target's port.
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' or 'LR', received {rankdir!r}.")
    across = {key: sizes[key][0 if rankdir == "TB" else 1] for key in nodes}
    along = {key: sizes[key][1 if rankdir == "TB" else 0] for key in nodes}
    rank = assign_ranks(nodes, edges)
    layers, segments, chains = _split_long_edges(nodes, edges, rank, across, along)
    layers = order_ranks(layers, segments, across)
    position = assign_coordinates(layers, segments, across, node_gap)
    level, length = _rank_levels(layers, along, rank_gap)

    shift_across = margin - min(position[key] - across[key] / 2 for layer in layers for key in layer)
    shift_along = margin
    extent_across = max(position[key] + across[key] / 2 for layer in layers for key in layer) + shift_across + margin
    extent_along = length + shift_along + margin

    def point(a, b):
        a, b = a + shift_across, b + shift_along
        return (a, b) if rankdir == "TB" else (b, a)

    boxes = {}  # each box starts where its rank starts, so a small box next to a big one is not adrift
    for key in nodes:
        x, y = point(position[key], level[rank[key]][1] + along[key] / 2)
        boxes[key] = (x, y, sizes[key][0], sizes[key][1])
    routes = []
    for edge, chain in zip(edges, chains):
        source, target, port, ports = edge
        points = [point(position[source], level[rank[source]][1] + along[source])]
        for dummy in chain:
            start, thickness = level[rank[dummy]][1], level[rank[dummy]][2]
            points += [point(position[dummy], start), point(position[dummy], start + thickness)]
        points.append(point(position[target] + port_offset(port, ports, across[target]), level[rank[target]][1]))
        routes.append((edge, points))
    width, height = (extent_across, extent_along) if rankdir == "TB" else (extent_along, extent_across)
    return Layout(boxes, routes, {key: rank[key] for key in nodes}, width, height)


def assign_ranks(nodes, edges):
    """Rank = length of the longest path from a source; sinks all go to the last rank."""
    predecessors, successors = defaultdict(list), defaultdict(list)
    for source, target, *_ in edges:
        predecessors[target].append(source)
        successors[source].append(target)
    rank = {}
    for key in topological_order(nodes, edges):
        rank[key] = max((rank[p] + 1 for p in predecessors[key]), default=0)
    last = max(rank.values(), default=0)
    for key in nodes:
        if not successors[key] and predecessors[key]:
            rank[key] = last
    return rank


def topological_order(nodes, edges):
    """Kahn's algorithm, taking ready nodes in their given order (so the result is deterministic)."""
    indegree = {key: 0 for key in nodes}
    successors = defaultdict(list)
    for source, target, *_ in edges:
        indegree[target] += 1
        successors[source].append(target)
    index = {key: i for i, key in enumerate(nodes)}
    ready = sorted((key for key in nodes if indegree[key] == 0), key=index.get)
    order = []
    while ready:
        key = ready.pop(0)
        order.append(key)
        for target in successors[key]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
                ready.sort(key=index.get)
    if len(order) != len(nodes):
        raise ValueError("The graph has a cycle; a layered layout needs a directed acyclic graph.")
    return order


def _split_long_edges(nodes, edges, rank, across, along):
    """Per-rank node lists, edges between adjacent ranks only, and each edge's chain of dummies."""
    layers = [[] for _ in range(max(rank.values(), default=0) + 1)]
    for key in nodes:
        layers[rank[key]].append(key)
    segments, chains = [], []
    for index, (source, target, port, ports) in enumerate(edges):
        chain, previous = [], source
        for r in range(rank[source] + 1, rank[target]):
            dummy = ("dummy", index, r)
            rank[dummy] = r
            across[dummy], along[dummy] = DUMMY_SIZE, 0.0
            layers[r].append(dummy)
            segments.append((previous, dummy, 0, 1))
            chain.append(dummy)
            previous = dummy
        segments.append((previous, target, port, ports))
        chains.append(chain)
    return layers, segments, chains


def port_offset(port, ports, size):
    """Where argument `port` of `ports` meets a node of this size, from its centre."""
    return ((port + 1) / (ports + 1) - 0.5) * size


def order_ranks(layers, segments, across, sweeps=6):
    """Barycenter sweeps; keeps the ordering with the fewest crossings."""
    layers = [list(layer) for layer in layers]
    upward, downward = defaultdict(list), defaultdict(list)
    for source, target, port, ports in segments:
        downward[source].append((target, port, ports))
        upward[target].append((source, port, ports))

    def index_of(layer):
        return {key: i for i, key in enumerate(layer)}

    def sort_by(layer, neighbour_index, links, use_port):
        current = index_of(layer)

        def barycenter(key):
            places = [neighbour_index[other] + (((port + 1) / (ports + 1) - 0.5) * 0.9 if use_port else 0)
                      for other, port, ports in links[key]]
            return sum(places) / len(places) if places else current[key]
        layer.sort(key=lambda key: (barycenter(key), current[key]))

    best, best_crossings = [list(layer) for layer in layers], count_crossings(layers, segments)
    for _ in range(sweeps):
        for r in range(1, len(layers)):
            sort_by(layers[r], index_of(layers[r - 1]), upward, use_port=False)
        for r in range(len(layers) - 2, -1, -1):
            sort_by(layers[r], index_of(layers[r + 1]), downward, use_port=True)
        crossings = count_crossings(layers, segments)
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], crossings
    return best


def count_crossings(layers, segments):
    """How many pairs of edges cross (ports count: edges into one merge node cross if out of order)."""
    place, rank_of = {}, {}
    for r, layer in enumerate(layers):
        for i, key in enumerate(layer):
            place[key], rank_of[key] = i, r
    between = defaultdict(list)
    for source, target, port, ports in segments:
        between[rank_of[source]].append((place[source], place[target] + (port + 1) / (ports + 1)))
    crossings = 0
    for pairs in between.values():
        for i, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[i + 1:]:
                if (a1 - a2) * (b1 - b2) < 0:
                    crossings += 1
    return crossings


def assign_coordinates(layers, segments, across, node_gap, rounds=8):
    """Positions across the ranks: each node pulled towards its neighbours, order and gaps kept."""
    position = {}
    for layer in layers:
        x = 0.0
        for key in layer:
            position[key] = x + across[key] / 2
            x += across[key] + node_gap
        width = x - node_gap
        for key in layer:
            position[key] -= width / 2
    upward, downward = defaultdict(list), defaultdict(list)
    for source, target, port, ports in segments:
        offset = port_offset(port, ports, across[target])
        downward[source].append((target, offset))   # source wants: target's position + offset
        upward[target].append((source, -offset))    # target wants: source's position - offset

    def relax(layer, links_list):
        wanted = []
        for key in layer:
            places = [position[other] + offset for links in links_list for other, offset in links[key]]
            wanted.append(sum(places) / len(places) if places else position[key])
        for key, x in zip(layer, place_in_order(wanted, [across[key] for key in layer], node_gap)):
            position[key] = x

    for _ in range(rounds):
        for layer in layers[1:]:
            relax(layer, [upward])
        for layer in reversed(layers[:-1]):
            relax(layer, [downward])
    for layer in layers:
        relax(layer, [upward, downward])
    return position


def place_in_order(wanted, sizes, gap):
    """Positions closest (least squares) to `wanted` that keep the order and leave `gap` between boxes.

    With ``offsets[i]`` the least distance from the first centre to the i-th, the positions
    minus the offsets must not decrease: an isotonic regression, solved by pooling adjacent violators.
    """
    offsets = [0.0]
    for previous, size in zip(sizes, sizes[1:]):
        offsets.append(offsets[-1] + previous / 2 + gap + size / 2)
    blocks = []  # [sum, count]
    for value in (w - o for w, o in zip(wanted, offsets)):
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    fitted = [total / count for total, count in blocks for _ in range(count)]
    return [f + o for f, o in zip(fitted, offsets)]


def _rank_levels(layers, along, rank_gap):
    """(centre, start, thickness) of each rank along the rank axis, and the total length."""
    levels, start = [], 0.0
    for layer in layers:
        thickness = max((along[key] for key in layer), default=0.0)
        levels.append((start + thickness / 2, start, thickness))
        start += thickness + rank_gap
    return levels, start - rank_gap
