// ProvokeReport: the campaign at a glance, as a static site a campaign lead opens from the file system:
// which videos exist and what each says, which ideas have reached which decision makers, who still waits
// for the latest cut. It reads the ledger (a `Campaign` snapshot), the render record beside each file and
// one frame of each file (a poster, through ProvokeRender), and writes HTML and CSS. It never writes the
// ledger, never runs a program, and the page needs no network and no script.
//
//   HTML.swift          the one escaping function; every text from manifests and the ledger goes through it
//   Palette.swift       the page's colours, their WCAG contrast ratios, and the stylesheet (screen and A4 print)
//   ReportModel.swift   what the page shows, worked out from the snapshot and the records (no HTML)
//   ReportPage.swift    the model as HTML
//   ReportWriter.swift  posters, and the site written to a temporary folder renamed into place
