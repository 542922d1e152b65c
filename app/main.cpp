#include "app/allocator.hpp"
#include "app/cli/cli.hpp"
#include "core/process_stats.hpp"

int main(int argc, char** argv) {
  loopscope::start_with_large_pages(argv);
  loopscope::tune_allocator();
  loopscope::raise_descriptor_limit();  // lesson 10 and `serve` hold a socket per client
  return loopscope::cli_main(argc, argv);
}
