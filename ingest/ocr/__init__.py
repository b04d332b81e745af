"""Reading text from pictures of pages: scanned PDF pages and photos, offline, with RapidOCR's
PP-OCRv4 Chinese models (shipped inside the rapidocr-onnxruntime wheel) on ONNX Runtime.

``engine`` runs the models on one image; ``layout`` puts the recognised lines back into reading
order; ``reader`` ties them to a document's pages with the settings and the progress callback."""

from ingest.ocr.reader import OcrPage, OcrReader, OcrSettings

__all__ = ["OcrPage", "OcrReader", "OcrSettings"]
