"""kgraph: library activity reports -> knowledge graph (Natasha + rules -> RDF -> Oxigraph)."""

__version__ = "0.1.0"
