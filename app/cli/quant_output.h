#pragma once
// What quantize and demo print: the live progress line and the per-tensor table.

#include "quantscope/io/checkpoint.h"
#include "quantscope/progress.h"
#include "quantscope/quant/model_job.h"

#include <iosfwd>
#include <string>

namespace qs::cli {

/// A progress callback that redraws one line on stderr ("[ 42%] label: tensor") when stderr is
/// a terminal, and does nothing otherwise (logs and pipes stay clean). Never cancels.
ProgressFn terminalProgress(std::string label);
/// Erases the progress line, if one was drawn.
void clearProgressLine();

/// "0.41 %" for a fraction 0.0041.
std::string fmtPercent(double fraction, int digits = 3);

/// One row per tensor: name, shape, method/bits, outlier %, rel_err, sqnr_db, bpw, note.
void printTensorTable(std::ostream& out, const ModelQuantResult& result, const Checkpoint& source);
/// The model totals on a few lines.
void printTotals(std::ostream& out, const ModelQuantResult& result);

}  // namespace qs::cli
