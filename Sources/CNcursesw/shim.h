// The wide-character ncurses API for Swift. SwiftPM drops the `-D_XOPEN_SOURCE=600` that Debian's ncursesw.pc
// asks for, and without it ncurses hides its wide functions (get_wch, waddnwstr...), so define it here, before the
// first include (Package.swift says why the target has no `pkgConfig:`).
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#endif
