/* O_APPEND through wasi-libc: write always appends, lseek(0) does not
 * change that, pwrite leaves the offset alone. */
#include "check.h"
#include <fcntl.h>
#include <unistd.h>

int main(void) {
  int fd = open(DIR_PREFIX "append.txt", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
  CHECK("open O_APPEND", fd >= 0);
  CHECK("write 2", write(fd, "ab", 2) == 2);
  CHECK("lseek to 0", lseek(fd, 0, SEEK_SET) == 0);
  CHECK("write 2 more", write(fd, "cd", 2) == 2);
  CHECK("offset is 4", lseek(fd, 0, SEEK_CUR) == 4);
  CHECK("pwrite 3 at 0", pwrite(fd, "XYZ", 3, 0) == 3);
  CHECK("offset still 4", lseek(fd, 0, SEEK_CUR) == 4);
  off_t end = lseek(fd, 0, SEEK_END);
  CHECK("pwrite appended (Linux semantics)", end == 7);
  close(fd);
  fd = open(DIR_PREFIX "append.txt", O_RDONLY);
  char buf[16] = {0};
  CHECK("content", read(fd, buf, sizeof buf) == 7 && memcmp(buf, "abcdXYZ", 7) == 0);
  close(fd);
  CHECK("unlink", unlink(DIR_PREFIX "append.txt") == 0);
  printf("c_pwrite_append: all checks passed\n");
  return 0;
}
