"""The region × threat matrix as a standalone SVG heatmap for reports."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .matrix import Matrix, heat_level

# Light to dark; the same steps as the web page's heat-N classes.
HEAT_COLOURS = ("#ffffff", "#fde8d7", "#fcbf96", "#f8905e", "#e4582f", "#b3301b")
CELL, LABEL_WIDTH, HEADER_HEIGHT = 30, 190, 210


def matrix_svg(matrix: Matrix, title: str = "Documents with a claim per region and threat") -> str:
    """An SVG image of the matrix: one coloured square per cell with its document count."""
    width = LABEL_WIDTH + CELL * len(matrix.threats) + 10
    height = HEADER_HEIGHT + CELL * len(matrix.rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<text x="8" y="34" fill="#555555">{escape(_filters(matrix))}</text>',
    ]
    for column, (_, label) in enumerate(matrix.threats):
        x = LABEL_WIDTH + column * CELL + CELL // 2
        parts.append(f'<text transform="translate({x + 4},{HEADER_HEIGHT - 6}) rotate(-60)">{escape(label)}</text>')
    for line, row in enumerate(matrix.rows):
        y = HEADER_HEIGHT + line * CELL
        indent = 18 if row.level == "district" else 8
        parts.append(f'<text x="{indent}" y="{y + CELL * 0.65:.0f}">{escape(row.label)} ({escape(row.region)})</text>')
        for column, (threat, label) in enumerate(matrix.threats):
            cell = row.cells[threat]
            x = LABEL_WIDTH + column * CELL
            colour = HEAT_COLOURS[heat_level(cell.documents, matrix.max_documents, len(HEAT_COLOURS))]
            tooltip = f"{row.label} × {label}: {cell.documents} documents, {cell.sources} sources"
            parts.append(f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" fill="{colour}" '
                         f'stroke="#dddddd"><title>{escape(tooltip)}</title></rect>')
            if cell.documents:
                ink = "#ffffff" if heat_level(cell.documents, matrix.max_documents, len(HEAT_COLOURS)) >= 4 else "#222222"
                parts.append(f'<text x="{x + (CELL - 2) / 2:.0f}" y="{y + CELL * 0.62:.0f}" text-anchor="middle" '
                             f'fill={quoteattr(ink)}>{cell.documents}</text>')
    parts.append(f'<text x="8" y="{height - 12}" fill="#555555">Each number: distinct documents with a claim naming '
                 f'the region and the threat in one passage.</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _filters(matrix: Matrix) -> str:
    request = matrix.request
    parts = [f"{name}: {', '.join(values)}" for name, values in
             (("group", request.groups), ("actor", request.actors), ("epoch", request.epochs)) if values]
    if request.since:
        parts.append(f"since {request.since}")
    if request.until:
        parts.append(f"until {request.until}")
    return "; ".join(parts) or "all claims"
