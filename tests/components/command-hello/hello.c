// A command component (exports wasi:cli/run through the WASI command adapter) for
// `asterai env run`: greets whoever GREETING names, and fails with exit status 3 when the
// environment grants it FAIL, so a test can see a command's failure reported.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  const char* who = getenv("GREETING");
  printf("hello, %s\n", who ? who : "nobody");
  if (getenv("FAIL")) {
    fprintf(stderr, "command-hello: failing as asked\n");
    return 3;
  }
  return 0;
}
