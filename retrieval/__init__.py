"""From a question to ranked sources: Chroma (dense), BM25 over jieba tokens (lexical), fusion."""
