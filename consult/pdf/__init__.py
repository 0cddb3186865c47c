"""Report PDFs, GB/T 9704 look:

- html: the HTML of a revision (`revision_html`) and its masthead facts (`masthead`);
- fetcher: what the renderer may read (`ReportFetcher`: static files, the report's figures);
- cache: `revision_pdf(revision)`, rendered once per revision and issue and kept in
  `ReportRevision.pdf`; `render_pdf` renders without the cache;
- watermark: `stamp(pdf, name=, body=, code=, when=)`, the per-download stamp.

Nothing is imported here: the web process loads WeasyPrint, fontTools and pypdf only when it
renders or stamps."""
