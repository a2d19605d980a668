"""Stage 4, writing: the render context placed into Word (render), PDF (pdf) and workbooks; files written atomically (files)."""
