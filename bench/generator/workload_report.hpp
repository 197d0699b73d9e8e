#pragma once
// The one JSON document each workload prints (and writes to --out):
// {"workload", "status", "settings", "figures", "problems"}.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace nadoo::bench {

struct WorkloadReport {
  std::string workload;
  boost::json::object settings;
  boost::json::object figures;
  std::vector<std::string> problems;
  bool timed_out = false;

  /// "ok", "problems" or "timed out".
  std::string status() const;
  /// The process's exit status: 0 ok, 1 problems, 2 timed out.
  int exit_status() const;
};

/// Prints the report on stdout and, when `out_path` is not empty, writes it there.
void emit_report(const WorkloadReport& report, const std::string& out_path);

}  // namespace nadoo::bench
