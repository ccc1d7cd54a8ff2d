// Report: the rows a benchmark contributes to the one table `make bench`
// prints (bench/run.sh adds the header). Each row is a Markdown table row:
//   | benchmark | case | disync | baseline | ratio | notes |
// so that a run's output can be pasted into bench/README.md as it is.
//
// Not thread-safe.
#ifndef DISYNC_BENCH_REPORT_H_
#define DISYNC_BENCH_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

namespace disync::bench {

struct ReportRow {
  std::string benchmark;
  std::string scenario;  // the "case" column
  std::string disync;
  std::string baseline;
  std::string ratio;
  std::string notes;
};

class Report {
 public:
  void Add(ReportRow row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const {
    for (const ReportRow& r : rows_) {
      out << "| " << r.benchmark << " | " << r.scenario << " | " << r.disync << " | "
          << r.baseline << " | " << r.ratio << " | " << r.notes << " |\n";
    }
    out.flush();
  }
  static const char* Header() {
    return "| benchmark | case | disync | baseline | ratio | notes |\n"
           "| --- | --- | --- | --- | --- | --- |\n";
  }

 private:
  std::vector<ReportRow> rows_;
};

}  // namespace disync::bench

#endif  // DISYNC_BENCH_REPORT_H_
