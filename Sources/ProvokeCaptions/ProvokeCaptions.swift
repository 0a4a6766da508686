// ProvokeCaptions: SRT/WebVTT parsing and writing, ASS generation and escaping. Pure Swift.
