// ProvokeCards: card templates and styles → an ASS script (libass draws it through libavfilter's `ass` filter).
