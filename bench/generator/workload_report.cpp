#include "workload_report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace nadoo::bench {

std::string WorkloadReport::status() const {
  if (timed_out) return "timed out";
  return problems.empty() ? "ok" : "problems";
}

int WorkloadReport::exit_status() const {
  if (timed_out) return 2;
  return problems.empty() ? 0 : 1;
}

void emit_report(const WorkloadReport& report, const std::string& out_path) {
  boost::json::array problems;
  for (const auto& problem : report.problems) problems.emplace_back(problem);
  const boost::json::object document{{"workload", report.workload},
                                     {"status", report.status()},
                                     {"settings", report.settings},
                                     {"figures", report.figures},
                                     {"problems", std::move(problems)}};
  const std::string text = boost::json::serialize(document) + "\n";
  std::cout << text << std::flush;
  if (out_path.empty()) return;
  std::ofstream out(out_path);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + out_path);
}

}  // namespace nadoo::bench
