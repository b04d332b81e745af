"""From files to stored chunks: loaders per format, text checks, chunking, the incremental pipeline."""
