"""The one safe YAML loader base every YAML file lax reads goes through (criteria, ledger, village lists).

PyYAML's safe loader builds no objects, but its merge keys (`<<: [*a, *a, ...]`) copy the merged entries
into each mapping: eleven lines of nested merges ask for 10^11 entries and the load never ends (a
"merge-key bomb", the YAML cousin of the billion laughs). `SafeLoader` counts what a mapping's merges
would expand to, from the node graph and before PyYAML merges anything, and refuses more than `MERGE_LIMIT`
entries as a YAML error at the line of the mapping.
"""

from __future__ import annotations

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML has it: much faster
MERGE_TAG = "tag:yaml.org,2002:merge"
MERGE_LIMIT = 10_000  # far above any hand-written file, far below what hangs


def merged_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many entries a mapping node holds once its merge keys are expanded (aliases counted each time)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 0  # a merge cycle counts as nothing here; PyYAML refuses it itself
    size = 0
    for key, value in node.value:
        if key.tag != MERGE_TAG:
            size += 1
        elif isinstance(value, yaml.MappingNode):
            size += merged_size(value, memo)
        elif isinstance(value, yaml.SequenceNode):
            size += sum(merged_size(v, memo) for v in value.value if isinstance(v, yaml.MappingNode))
        size = min(size, MERGE_LIMIT + 1)  # enough to refuse; keeps the numbers small
    memo[id(node)] = size
    return size


class SafeLoader(_Base):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader with merge keys bounded."""

    # Checked once over the whole document before anything is built: PyYAML merges in place as it builds
    # (6.0.3 copying every merged entry, later releases dropping repeats), so only the document as written
    # gives the same answer under every PyYAML.
    def construct_document(self, node):  # noqa: D401
        check_merges(node)
        return super().construct_document(node)


def check_merges(root: yaml.Node) -> None:
    """Raise a YAML error at the first mapping whose merge keys would expand past `MERGE_LIMIT` entries."""
    memo: dict[int, int] = {}
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if any(key.tag == MERGE_TAG for key, _value in node.value):
                try:
                    why = (
                        f"merge keys (<<) would expand this mapping past {MERGE_LIMIT:,} entries"
                        if merged_size(node, memo) > MERGE_LIMIT
                        else None
                    )
                except RecursionError:  # merges chained thousands deep: no file of lax's needs that either
                    why = "merge keys (<<) are chained too deeply"
                if why is not None:
                    raise yaml.constructor.ConstructorError(None, None, why, node.start_mark)
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
