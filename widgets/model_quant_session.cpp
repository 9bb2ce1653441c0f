#include "model_quant_session.h"

#include "job_runner.h"
#include "model_document.h"
#include "model_quant_view.h"
#include "quant_controls.h"

#include "quantscope/io/exporter.h"
#include "quantscope/tensor/dtype.h"

#include <QFileInfo>

#ifdef QS_HAVE_REPORT
#include "quantscope/quant/report.h"
#endif

namespace qs::gui {

ModelQuantSession::ModelQuantSession(ModelDocument* document, ModelQuantView* view, QObject* parent)
    : QObject(parent), m_document(document), m_view(view), m_runner(new JobRunner(this))
{
    m_runner->setObjectName(QStringLiteral("quantizeModelJob"));
    connect(m_runner, &JobRunner::failed, m_view, &ModelQuantView::stop);
    connect(m_runner, &JobRunner::cancelled, m_view, &ModelQuantView::stop);
    connect(m_document, &ModelDocument::checkpointChanged, this, [this] {
        m_runner->cancel();
        m_last.clear();
        m_view->clear();
    });
}

bool ModelQuantSession::start(const QuantSettings& settings, std::optional<QuantMethod> compareWith)
{
    const auto ckpt = m_document->checkpoint();
    if (!ckpt) return false;
    std::vector<ModelQuantRun> runs;
    if (compareWith) {
        ModelQuantRun reference;
        reference.settings.defaults = settings;
        reference.settings.defaults.method = *compareWith;
        if (*compareWith == QuantMethod::Nl4) {  // its layout is fixed: 4 bits, groups dividing 256
            auto& d = reference.settings.defaults;
            d.bits = 4;
            d.granularity = Granularity::PerGroup;
            if (d.groupSize < 1 || d.groupSize > 256 || 256 % d.groupSize != 0) d.groupSize = 16;
        }
        reference.label = methodDisplayName(*compareWith);
        runs.push_back(std::move(reference));
    }
    ModelQuantRun chosen;
    chosen.settings.defaults = settings;
    chosen.label = methodDisplayName(settings.method);
    runs.push_back(std::move(chosen));

    auto live = std::make_shared<LiveOutcomes>();
    QStringList labels;
    for (const auto& r : runs) labels << r.label;
    m_view->begin(labels, live);
    const QString title = compareWith ? tr("Compare %1 and %2").arg(labels[0], labels[1]) : tr("Quantize with %1").arg(labels[0]);
    m_runner->start(title, makeModelQuantWork(ckpt, std::move(runs), live, [this, ckpt](std::vector<ModelQuantRun> done) {
                        if (ckpt != m_document->checkpoint()) return;
                        m_view->finish(done);
                        // The tree's rel_err / SQNR / bpw columns show the chosen method (the last run).
                        std::vector<std::optional<TensorQuantMetrics>> metrics(ckpt->tensors().size());
                        for (const auto& o : done.back().result.tensors)
                            if (o.quantized && o.index < metrics.size())
                                metrics[o.index] = TensorQuantMetrics{o.metrics, done.back().label};
                        m_document->setQuantMetrics(std::move(metrics));
                        m_last = std::move(done);
                        Q_EMIT runsFinished();
                    }));
    return true;
}

QString ModelQuantSession::startExport(const QuantSettings& settings, const QString& path, const QString& formatId,
                                       const QString& precision)
{
    const auto ckpt = m_document->checkpoint();
    if (!ckpt) return tr("Open a checkpoint or the demo model first.");
    const auto format = qs::exportFormatFromName(formatId.toStdString());
    if (!format) return tr("Unknown export format: %1").arg(formatId);
    ModelQuantSettings quant;
    if (!m_last.empty()) quant = m_last.back().settings;  // export what the user looked at
    else quant.defaults = settings;
    qs::ExportOptions options;
    options.format = *format;
    if (!precision.isEmpty()) {
        const auto dtype = qs::dtypeFromName(precision.toStdString());
        if (!dtype) return tr("Unknown weight type: %1").arg(precision);
        if (*format == qs::ExportFormat::Gguf) options.ggufType = *dtype;
        else options.floatDtype = *dtype;
    }
    const std::filesystem::path out = path.toStdString();
    m_runner->start(tr("Export %1").arg(QFileInfo(path).fileName()),
                    [ckpt, quant, out, options, this](const qs::ProgressFn& progress) -> JobRunner::Deliver {
                        const qs::ExportResult r = qs::exportQuantized(*ckpt, quant, out, options, progress);
                        QStringList warnings;
                        for (const auto& w : r.warnings) warnings << QString::fromStdString(w);
                        for (const auto& w : r.quant.warnings) warnings << QString::fromStdString(w);
                        const QString written = QString::fromStdString(r.path.string());
                        const auto bytes = qint64(r.bytes);
                        return [this, written, bytes, warnings] { Q_EMIT exported(written, bytes, warnings); };
                    });
    return {};
}

QString ModelQuantSession::writeReport(const QString& path) const
{
#ifdef QS_HAVE_REPORT
    if (m_last.empty() || !m_document->checkpoint()) return tr("Quantize the model first.");
    try {
        qs::writeReport(path.toStdString(), m_last.back().result, m_last.back().settings, *m_document->checkpoint());
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
#else
    (void)path;
    return tr("This build has no report writer.");
#endif
}

}  // namespace qs::gui
