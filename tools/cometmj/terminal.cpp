#include "terminal.hpp"

#include <csignal>
#include <cstdio>

#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <thread>
#endif

namespace cometmj::terminal {

#ifdef _WIN32

namespace {

void (*g_handler)(int) = nullptr;

BOOL WINAPI console_event(DWORD event) {
  // Windows calls this on a thread it creates for the purpose.
  switch (event) {
    case CTRL_C_EVENT:
      g_handler(SIGINT);
      return TRUE;
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
      g_handler(SIGTERM);
      return TRUE;
    default:
      return FALSE;
  }
}

}  // namespace

bool stderr_is_terminal() { return _isatty(_fileno(stderr)) != 0; }

int stderr_columns() {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (GetConsoleScreenBufferInfo(GetStdHandle(STD_ERROR_HANDLE), &info)) {
    const int columns = info.srWindow.Right - info.srWindow.Left + 1;
    if (columns > 0) return columns;
  }
  return 80;
}

void on_interrupt(void (*handler)(int signal)) {
  g_handler = handler;
  SetConsoleCtrlHandler(console_event, TRUE);
}

#else

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

int stderr_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

void on_interrupt(void (*handler)(int signal)) {
  // Blocked here, so in every thread started later too; one thread takes them with sigwait, where
  // any code may run (a signal handler could only set a flag).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set, handler] {
    for (;;) {
      int signal = 0;
      if (sigwait(&set, &signal) == 0) handler(signal);
    }
  }).detach();
}

#endif

}  // namespace cometmj::terminal
