#pragma once
// Whole-model quantization as the window offers it: one run with the current settings, or two
// (the comparison method first, the chosen method second) for a side-by-side view. Owns the
// job, feeds the live view, and keeps the last finished runs for the report export.

#include "model_quant_job.h"

#include <QObject>

#include <memory>
#include <optional>
#include <vector>

namespace qs::gui {

class JobRunner;
class ModelDocument;
class ModelQuantView;

class ModelQuantSession : public QObject {
    Q_OBJECT
public:
    ModelQuantSession(ModelDocument* document, ModelQuantView* view, QObject* parent = nullptr);

    /// Starts quantizing the open checkpoint; returns false (and does nothing) when none is open.
    bool start(const QuantSettings& settings, std::optional<QuantMethod> compareWith);
    JobRunner* runner() const noexcept { return m_runner; }
    /// The runs of the last job that finished (empty before).
    const std::vector<ModelQuantRun>& lastRuns() const noexcept { return m_last; }
    /// Writes the last chosen-method run as a JSON or CSV report (by extension). Returns an
    /// error text, or an empty string on success.
    QString writeReport(const QString& path) const;
    /// Quantizes the open checkpoint with the last run's settings (or `settings` before any
    /// run) and writes it to `path` in the export format `formatId` ("package", "safetensors",
    /// "gguf"; qs::exportFormats()), on runner(): progress, cancel and errors as for a run.
    /// `precision` names the stored dtype ("F16", "BF16", "F32" for safetensors; "Q4_0", "Q8_0",
    /// "F16" for GGUF; empty = the exporter's default). Returns an error text when it cannot
    /// start, "" when the job started.
    QString startExport(const QuantSettings& settings, const QString& path, const QString& formatId,
                        const QString& precision = {});

Q_SIGNALS:
    void runsFinished();
    /// A model export finished: the file, its size and what the writer warned about.
    void exported(const QString& path, qint64 bytes, const QStringList& warnings);

private:
    ModelDocument* m_document;
    ModelQuantView* m_view;
    JobRunner* m_runner;
    std::vector<ModelQuantRun> m_last;
};

}  // namespace qs::gui
