// nadoo-bench: command line only. Parses, runs one workload, prints its JSON.

#include <exception>
#include <iostream>

#include "bench_options.hpp"
#include "workloads.hpp"

int main(int argc, char** argv) {
  using namespace nadoo::bench;
  int exit_status = 0;
  const auto options = parse_bench_options(argc, argv, exit_status);
  if (!options) return exit_status;
  try {
    WorkloadReport report;
    switch (options->workload) {
      case Workload::idle:
        report = run_idle(*options);
        break;
      case Workload::connect:
        report = run_connect(*options);
        break;
      case Workload::fanout:
        report = run_fanout(*options);
        break;
      case Workload::chat:
        report = run_chat(*options);
        break;
    }
    emit_report(report, options->out_path);
    return report.exit_status();
  } catch (const std::exception& error) {
    std::cerr << "nadoo-bench: " << error.what() << "\n";
    return 1;
  }
}
