// fontconfig's C API for ProvokeCards: whether a font family the manifest names is installed (libass would
// otherwise fall back to another font silently), and the family names inside a font file.
#include <fontconfig/fontconfig.h>
