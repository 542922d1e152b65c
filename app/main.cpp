#include "cli.hpp"

int main(int argc, char** argv) { return loopscope::cli_main(argc, argv); }
