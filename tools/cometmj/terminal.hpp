// The terminal and the process's signals, the parts of cometmj that differ between POSIX and
// Windows. Everything else in the tool is standard C++17.
#pragma once

namespace cometmj::terminal {

/// Whether standard error is a terminal (not a file or a pipe).
bool stderr_is_terminal();

/// The width of the terminal on standard error, in columns; 80 when it cannot be told.
int stderr_columns();

/// From now on, each Ctrl-C (SIGINT) or termination request (SIGTERM; on Windows Ctrl-Break and
/// closing the console too) calls `handler` with the signal's number on a thread of its own,
/// instead of ending the process. Call it once, before the process starts other threads.
void on_interrupt(void (*handler)(int signal));

}  // namespace cometmj::terminal
