"""Why a file is refused and what to do about it: the one table of refusal wording, so every reason
names the problem and the user's next step in one line ("<reason>; <what to do>")."""

from __future__ import annotations

from ingest.errors import UnreadableFile

REFUSALS = {
    "missing": "no such file or folder; check the path",
    "unsupported": "unsupported file type {suffix}; supported: {supported} (convert it to one of these first)",
    "bad_name": "the file name contains control characters; rename the file, then ingest it",
    "too_big": "the file is {size_mb:.1f} MB, over the {limit_mb} MB limit; split it into smaller files "
               "or raise the limit (ADVISOR_MAX_FILE_MB)",
    "empty": "the file is empty (0 bytes); check that it was saved or copied completely",
    "unreadable": "cannot read the file ({detail}); check its permissions",
    "pdf_truncated": "the PDF is cut off (no end-of-file marker: an interrupted download or copy?); "
                     "download or export it again",
    "pdf_corrupt": "not a readable PDF (corrupt: {detail}); open it in a PDF viewer and save or print it to a new PDF",
    "pdf_encrypted": "the PDF is encrypted (password-protected); save an unprotected copy, then ingest that",
    "pdf_no_pages": "the PDF has no pages; export it again from its source document",
    "pdf_no_text": "the PDF has no text layer (scanned images?) and OCR is off; turn it on (ocr = \"auto\", "
                   "ADVISOR_OCR=auto) and ingest it again",
    "ocr_garbled": "the PDF is a scan whose OCR text layer is garbled ({rare:.1%} rare or misread characters, "
                   "{split:.0%} split apart) and OCR is off; turn it on (ADVISOR_OCR=auto) to read the pages again",
    "glyph_names": "garbled text: the PDF's fonts map to glyph names (/G21 …) instead of characters; export it "
                   "again with embedded Unicode fonts (or, if OCR is off, turn it on: ADVISOR_OCR=auto)",
    "ocr_off": "this is an image and OCR is off; turn it on (ocr = \"auto\", ADVISOR_OCR=auto) to read its text",
    "ocr_too_many_pages": "{pages} pages need OCR, over the limit of {limit} per file (about {minutes:.0f} minutes "
                          "of OCR); split the file, or raise the limit (ADVISOR_OCR_MAX_PAGES)",
    "ocr_no_text": "OCR found no readable text (a blank page, a photo without text, or too blurred or small to "
                   "read); check that this is the right file, or scan it again at a higher resolution",
    "image_corrupt": "not a readable image ({detail}); open it in an image viewer and save it again",
    "image_bomb": "the image is larger than {limit:.0f} megapixels (a decompression bomb?); not decoded. "
                  "Scale it down (a page needs 2-8 megapixels), then ingest it",
    "image_frames": "the image holds {frames} frames (pages), over the limit of {limit} per file; split it, or "
                    "raise the limit (ADVISOR_OCR_MAX_PAGES)",
    "undecodable": "garbled text: many undecodable characters (wrong encoding?); save it again as UTF-8",
    "words_garbled": "garbled text: only {share:.0%} of the Chinese characters form words (broken font encoding "
                     "or bad OCR); OCR it again and ingest the result",
    "no_text": "no usable text (empty or almost empty after removing markup, scripts and styles); "
               "check that this is the right file, or copy its text into a .txt file",
    "binary": "this is a binary file, not text; give it its real file type, or convert it to text first",
    "encoding": "the text encoding could not be detected (binary or corrupt file?); save it again as UTF-8",
    "docx_not_zip": "not a .docx file: it is not a zip package (an old .doc or another format renamed .docx?); "
                    "open it in Word or WPS and save it as .docx",
    "docx_malformed": "a damaged .docx ({detail}); open it in Word or WPS and save it again",
    "zip_bomb": "the .docx would unpack to {unpacked_mb:.0f} MB ({ratio:.0f}× its size), over the limits for "
                "unpacking ({limit_mb} MB, {max_ratio}×): probably a zip bomb; not unpacked",
    "zip_entries": "the .docx holds {count} parts, over the limit of {limit}: probably a zip bomb; not unpacked",
    "front_matter": "the YAML front matter is not valid{where}; fix it (or remove the --- block), then ingest again",
    "front_matter_shape": "the YAML front matter is not a mapping of fields; write it as `key: value` lines",
    "no_chunks": "no text left after chunking; check that the file has real text",
    "loader_failed": "the {file_type} reader failed on this file ({detail}); it is probably damaged: "
                     "open it and save it again, then ingest the copy",
}

# Why a path was passed over without being read (not an error in a file the user meant to add).
SKIPS = {
    "symlink_loop": "a symbolic link that leads back into a folder already searched (a loop); skipped",
    "broken_link": "a symbolic link that points to nothing or to itself; skipped",
}


# What a user should know about a file that was added (shown after its line).
WARNINGS = {
    "ocr_pages": "{pages} of the pages read by OCR (mean confidence {confidence:.2f}); recognition errors are "
                 "possible: check figures against the original",
    "ocr_image": "read by OCR (mean confidence {confidence:.2f}); recognition errors are possible: check figures "
                 "against the original",
    "ocr_unreadable": "{pages} scanned pages had no readable text and were left out",
}


def refuse(kind: str, **values) -> UnreadableFile:
    """The exception for a refusal of this kind, its message filled in from the table."""
    return UnreadableFile(REFUSALS[kind].format(**values), kind)
