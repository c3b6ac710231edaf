#include <zlib.h>
// deflateInit2/inflateInit2 are macros (they pass the library version and the stream's size), which Swift cannot
// call.
static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
    // windowBits 15 + 16: a gzip header and trailer around the deflate data (RFC 1952), memLevel 8 (zlib's default).
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int czlib_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
