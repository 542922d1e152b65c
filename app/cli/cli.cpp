#include "app/cli/cli.hpp"

#include <iostream>
#include <new>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"

namespace loopscope {

int cli_main(int argc, char** argv) {
  CLI::App app{
      "Loopscope: watch an event loop run real coroutines.\n"
      "With no command it opens the window; `run` and `compare` work without one."};
  app.set_version_flag("--version", "loopscope 0.1.0");
  app.require_subcommand(0, 1);
  const cli::command commands[] = {cli::add_run(app), cli::add_serve(app), cli::add_list(app), cli::add_compare(app)};
  const cli::command window = cli::add_window(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "loopscope: error: " << e.what() << " (see loopscope --help)\n";
    return cli::exit_bad_input;
  }

  try {
    for (const auto& c : commands)
      if (c.sub->parsed()) return c.run();
    return window.run();
  } catch (const cli::usage_error& e) {
    std::cerr << "loopscope: error: " << e.what() << "\n";
    return cli::exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "loopscope: failed: " << e.what() << "\n";
    return cli::exit_failed;
  }
}

}  // namespace loopscope
