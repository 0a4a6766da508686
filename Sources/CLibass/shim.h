// libass's C API for ProvokeCards, which measures where a card's text lands so it can shrink it into the
// title-safe area. (Rendering into frames is libavfilter's `ass` filter, over the same libass.)
#include <ass/ass.h>
