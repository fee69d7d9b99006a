#include "asterai/cli/run.h"

int main(int argc, char** argv) {
  return asterai::cli::run(argc, argv);
}
