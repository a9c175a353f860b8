"""Draw one page of a PDF in a process of its own: ``python -m retrieval.pagerender``.

The server asks for page images of files anyone may have uploaded or the harvest brought in; a
hostile page could take minutes or gigabytes to draw. Here it can only exhaust this process:
its address space is capped before pdfium is loaded, and the server kills it at its time limit
(``retrieval/pagestore.py``). Reads ``{"path", "page", "passage", "memory"}`` as JSON on stdin,
writes the PNG on stdout; exit status 3 when the page is too complex, 4 when it is unreadable,
5 when it ran out of memory.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

TOO_COMPLEX, UNREADABLE, OUT_OF_MEMORY = 3, 4, 5


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
    try:
        import pypdfium2 as pdfium

        from retrieval.pageimage import PageTooComplex, render_page
        png = render_page(Path(request["path"]).read_bytes(), request["page"], request["passage"])
    except MemoryError:
        return OUT_OF_MEMORY
    except PageTooComplex as exc:
        print(exc, file=sys.stderr)
        return TOO_COMPLEX
    except (pdfium.PdfiumError, IndexError, ValueError, OSError) as exc:
        print(exc, file=sys.stderr)
        return UNREADABLE
    sys.stdout.buffer.write(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
