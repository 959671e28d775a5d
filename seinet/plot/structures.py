"""2D structure drawings of species (RDKit), as SVG text for reports and files."""

from __future__ import annotations

from functools import lru_cache

from rdkit import Chem, rdBase
from rdkit.Chem.Draw import rdMolDraw2D

__all__ = ["structure_svg"]


@lru_cache(maxsize=4096)
def structure_svg(smiles: str, size: int = 160) -> str:
    """An SVG drawing of ``smiles`` (charges and radicals shown); "" when RDKit cannot parse it.

    Aggregates are drawn as their dot-separated ions. The SVG has no XML header, so it
    can be inlined into HTML.
    """
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles) if smiles else None
        if mol is None:
            mol = Chem.MolFromSmiles(smiles, sanitize=False) if smiles else None
            if mol is None:
                return ""
            mol.UpdatePropertyCache(strict=False)
        drawer = rdMolDraw2D.MolDraw2DSVG(size, size)
        options = drawer.drawOptions()
        options.clearBackground = False
        options.addStereoAnnotation = False
        try:
            rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
        except Exception:  # RDKit cannot lay out some unsanitised graphs
            return ""
        drawer.FinishDrawing()
    svg = drawer.GetDrawingText()
    return svg[svg.find("<svg"):]
