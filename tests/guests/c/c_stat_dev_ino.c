/* st_dev / st_ino identify files: the same file through two paths or a
 * hard link matches; different files differ; nlink counts links. */
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  struct stat a, b, c, d;
  int fd = open(DIR_PREFIX "x.txt", O_CREAT | O_WRONLY, 0644);
  CHECK("create", fd >= 0);
  close(fd);
  fd = open(DIR_PREFIX "y.txt", O_CREAT | O_WRONLY, 0644);
  close(fd);
  CHECK("stat x", stat(DIR_PREFIX "x.txt", &a) == 0);
  CHECK("stat x via sub/..", stat(DIR_PREFIX "sub/../x.txt", &b) == 0);
  CHECK("same dev and ino", a.st_dev == b.st_dev && a.st_ino == b.st_ino);
  CHECK("stat y", stat(DIR_PREFIX "y.txt", &c) == 0);
  CHECK("different ino", a.st_ino != c.st_ino && a.st_dev == c.st_dev);
  CHECK("nlink 1", a.st_nlink == 1);
  CHECK("link", link(DIR_PREFIX "x.txt", DIR_PREFIX "x2.txt") == 0);
  CHECK("stat link", stat(DIR_PREFIX "x2.txt", &d) == 0);
  CHECK("link shares ino", d.st_ino == a.st_ino && d.st_nlink == 2);
  fd = open(DIR_PREFIX "x.txt", O_RDONLY);
  CHECK("fstat", fstat(fd, &b) == 0 && b.st_ino == a.st_ino && b.st_nlink == 2);
  close(fd);
  CHECK("unlink x", unlink(DIR_PREFIX "x.txt") == 0);
  CHECK("nlink back to 1", stat(DIR_PREFIX "x2.txt", &d) == 0 && d.st_nlink == 1);
  CHECK("directory st_mode", stat(DIR_PREFIX "sub", &d) == 0 && S_ISDIR(d.st_mode));
  printf("c_stat_dev_ino: all checks passed\n");
  return 0;
}
