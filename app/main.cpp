#include "cli.hpp"
#include "core/runtime.hpp"

int main(int argc, char** argv) {
  loopscope::tune_allocator();
  return loopscope::cli_main(argc, argv);
}
