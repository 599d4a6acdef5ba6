// Traps two calls deep, for the CLI's trap backtrace test: the name section
// must name trap_here_for_backtrace and call_chain_for_backtrace.
#include <stdio.h>

__attribute__((noinline)) static void trap_here_for_backtrace(int n) {
  if (n > 0) __builtin_trap();
}

__attribute__((noinline)) void call_chain_for_backtrace(int n) {
  trap_here_for_backtrace(n);
  puts("not reached");
}

int main(int argc, char **argv) {
  (void)argv;
  printf("before the trap\n");
  fflush(stdout);
  call_chain_for_backtrace(argc);
  return 0;
}
