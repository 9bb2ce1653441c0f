#include "model_document.h"

#include "job_runner.h"

#include "quantscope/error.h"

namespace qs::gui {

ModelDocument::ModelDocument(QObject* parent) : QObject(parent), m_summaryRunner(new JobRunner(this))
{
    // One tensor per job: each summary appears as soon as it is computed, a new checkpoint
    // supersedes the old chain at once, and the GUI thread never waits.
    connect(m_summaryRunner, &JobRunner::finished, this, &ModelDocument::summarizeNext);
    connect(m_summaryRunner, &JobRunner::failed, this, [this](const QString& title, const QString& message) {
        Q_EMIT warning(tr("%1: %2").arg(title, message));
    });
}

ModelDocument::~ModelDocument() = default;

void ModelDocument::setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint, const QString& displayName)
{
    m_summaryRunner->cancel();
    m_checkpoint = std::move(checkpoint);
    m_displayName = displayName;
    const std::size_t n = tensorCount();
    m_summaries.assign(n, std::nullopt);
    m_quant.assign(n, std::nullopt);
    m_nextSummary = 0;
    m_summariesDone = 0;
    Q_EMIT checkpointChanged();
    if (!m_summaryRunner->isRunning()) summarizeNext();
}

std::size_t ModelDocument::tensorCount() const noexcept
{
    return m_checkpoint ? m_checkpoint->tensors().size() : 0;
}

const TensorInfo* ModelDocument::tensor(std::size_t index) const noexcept
{
    return index < tensorCount() ? &m_checkpoint->tensors()[index] : nullptr;
}

const TensorSummary* ModelDocument::summary(std::size_t index) const noexcept
{
    return index < m_summaries.size() && m_summaries[index] ? &*m_summaries[index] : nullptr;
}

const TensorQuantMetrics* ModelDocument::quantMetrics(std::size_t index) const noexcept
{
    return index < m_quant.size() && m_quant[index] ? &*m_quant[index] : nullptr;
}

void ModelDocument::setQuantMetrics(std::vector<std::optional<TensorQuantMetrics>> metrics)
{
    metrics.resize(tensorCount());
    m_quant = std::move(metrics);
    Q_EMIT quantMetricsChanged();
}

void ModelDocument::summarizeNext()
{
    if (!m_checkpoint) return;
    if (m_nextSummary >= tensorCount()) {
        Q_EMIT summariesFinished();  // every tensor tried; failures were logged
        return;
    }
    const std::size_t index = m_nextSummary++;
    const auto ckpt = m_checkpoint;
    const double sigma = m_summarySigma;
    m_summaryRunner->start(tr("Statistics of %1").arg(QString::fromStdString(ckpt->tensors()[index].name)),
                           [this, ckpt, index, sigma](const qs::ProgressFn& progress) -> JobRunner::Deliver {
                               if (!progress(0.0, "read")) throw qs::Cancelled();
                               auto s = std::make_shared<TensorSummary>(summarize(ckpt->readMatrix(index), sigma));
                               return [this, ckpt, index, s] {
                                   if (ckpt != m_checkpoint) return;  // superseded by another file
                                   m_summaries[index] = std::move(*s);
                                   ++m_summariesDone;
                                   Q_EMIT summaryReady(index);
                               };
                           });
}

}  // namespace qs::gui
