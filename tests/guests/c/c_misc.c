/* Clocks, sleeping, isatty, sockets on non-sockets, environment and args
 * through wasi-libc. */
#include "check.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  CHECK("argc", argc == 3);
  CHECK("argv[1]", strcmp(argv[1], "alpha") == 0);
  CHECK("argv[2]", strcmp(argv[2], "beta gamma") == 0);
  CHECK("getenv", getenv("GREETING") && strcmp(getenv("GREETING"), "hi there") == 0);
  CHECK("getenv missing", getenv("NOT_SET") == NULL);

  struct timespec a, b, r;
  CHECK("clock_gettime REALTIME", clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec > 1577836800);
  CHECK("clock_getres REALTIME", clock_getres(CLOCK_REALTIME, &r) == 0 && (r.tv_sec > 0 || r.tv_nsec > 0));
  CHECK("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &r) == 0 && (r.tv_sec > 0 || r.tv_nsec > 0));
  CHECK("clock_gettime MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &a) == 0);
  struct timespec nap = {0, 20 * 1000 * 1000};
  CHECK("nanosleep 20ms", nanosleep(&nap, NULL) == 0);
  CHECK("clock_gettime MONOTONIC again", clock_gettime(CLOCK_MONOTONIC, &b) == 0);
  long long ns = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  CHECK("slept at least 20ms", ns >= 20 * 1000 * 1000);
  CHECK("time()", time(NULL) > 1577836800);

  int fd = open(DIR_PREFIX "hello.txt", O_RDONLY);
  CHECK("open fixture", fd >= 0);
  CHECK_ERRNO("isatty(file)", isatty(fd) == 0, ENOTTY);
  CHECK_ERRNO("isatty(bad fd)", isatty(99) == 0, EBADF);
  CHECK_ERRNO("shutdown(stdout)", shutdown(STDOUT_FILENO, SHUT_RD) == -1, ENOTSOCK);
  CHECK_ERRNO("shutdown(file)", shutdown(fd, SHUT_RDWR) == -1, ENOTSOCK);
  CHECK_ERRNO("shutdown(bad fd)", shutdown(99, SHUT_RD) == -1, EBADF);
  CHECK_ERRNO("lseek(stdout)", lseek(STDOUT_FILENO, 0, SEEK_CUR) == -1, ESPIPE);
  CHECK_ERRNO("write(stdin)", write(STDIN_FILENO, "x", 1) == -1, EBADF);
  CHECK_ERRNO("read(bad fd)", read(99, &a, 1) == -1, EBADF);
  char buf[32] = {0};
  CHECK("read fixture", read(fd, buf, sizeof buf) == 16 && memcmp(buf, "Hello, fixture!\n", 16) == 0);
  close(fd);
  printf("c_misc: all checks passed\n");
  return 0;
}
