"""One chart style and deterministic writers for every Salient figure.

Charts take the frames of `salient.analysis.views` (and `salient.analysis.consolidate`) and
return a matplotlib Figure; they never parse text. Every plotted claim carries a short label
(T1, P3, ...) that is also the first column of the table built by `plotted_table`, so an analyst
can go from a point to its sentence in one step. Rows are sorted before plotting, so a rerun draws the same picture.

`save_figure` and `save_table` write byte-identical files on reruns: no dates, no software
versions, fixed SVG ids (`svg.hashsalt`), fixed size and dpi, and atomic replacement.

The package is split by what changes together: `common` (style, notes, labels, row caps),
`territory`, `ranges` (troops, casualties, ratios), `drones` and `writers`. The public names
are re-exported here, so callers write `plots.territory_chart(...)`, `plots.save_figure(...)`.
"""

from salient.output.plots.common import (
    CAP_RANK,
    CONTRADICTION_COLOUR,
    DPI,
    FIGSIZE,
    FLOAT_FORMAT,
    HEDGE_MARKERS,
    HEDGE_NAMES,
    MAX_CHART_ROWS,
    MAX_HEATMAP_ARTICLES,
    MAX_NOTE_NAMES,
    POINT_SORT,
    SIDE_COLOURS,
    SIDE_NAMES,
    SOURCE_PALETTE,
    SVG_HASHSALT,
    TABLE_COLUMNS,
    add_source_note,
    apply_style,
    cap_rows,
    capped_note,
    freeze_layout,
    label_points,
    new_figure,
    plotted_table,
    source_colours,
    source_note,
)
from salient.output.plots.drones import (
    cap_article_columns,
    drone_counts,
    drone_heatmap,
    drone_quantities_chart,
    drone_sides_chart,
    tactic_order,
)
from salient.output.plots.ranges import (
    SIDE_ORDER,
    casualties_chart,
    range_rows,
    range_table,
    ratio_rows,
    ratios_chart,
    troops_chart,
)
from salient.output.plots.territory import (
    MAX_LEGEND_SOURCES,
    TERRITORY_SIGN,
    labelled_mask,
    stagger,
    territory_chart,
    territory_points,
    territory_table,
)
from salient.output.plots.writers import (
    SAVE_METADATA,
    save_figure,
    save_table,
)

__all__ = [
    "CAP_RANK",
    "CONTRADICTION_COLOUR",
    "DPI",
    "FIGSIZE",
    "FLOAT_FORMAT",
    "HEDGE_MARKERS",
    "HEDGE_NAMES",
    "MAX_CHART_ROWS",
    "MAX_HEATMAP_ARTICLES",
    "MAX_LEGEND_SOURCES",
    "MAX_NOTE_NAMES",
    "POINT_SORT",
    "SAVE_METADATA",
    "SIDE_COLOURS",
    "SIDE_NAMES",
    "SIDE_ORDER",
    "SOURCE_PALETTE",
    "SVG_HASHSALT",
    "TABLE_COLUMNS",
    "TERRITORY_SIGN",
    "add_source_note",
    "apply_style",
    "cap_article_columns",
    "cap_rows",
    "capped_note",
    "casualties_chart",
    "drone_counts",
    "drone_heatmap",
    "drone_quantities_chart",
    "drone_sides_chart",
    "freeze_layout",
    "label_points",
    "labelled_mask",
    "new_figure",
    "plotted_table",
    "range_rows",
    "range_table",
    "ratio_rows",
    "ratios_chart",
    "save_figure",
    "save_table",
    "source_colours",
    "source_note",
    "stagger",
    "tactic_order",
    "territory_chart",
    "territory_points",
    "territory_table",
    "troops_chart",
]
