#include "stats_panel.h"

#include "tensor_summary.h"

#include "quantscope/tensor/tensor_info.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>

namespace qs::gui {

StatsPanel::StatsPanel(QWidget* parent) : QWidget(parent), m_form(new QFormLayout(this))
{
    setObjectName(QStringLiteral("statsPanel"));
    m_form->setLabelAlignment(Qt::AlignRight);
    clear();
}

QLabel* StatsPanel::row(const char* key, const QString& label)
{
    const QString name = QStringLiteral("stat_") + QLatin1String(key);
    auto* value = findChild<QLabel*>(name);
    if (!value) {
        value = new QLabel;
        value->setObjectName(name);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_form->addRow(label, value);
    } else if (auto* l = qobject_cast<QLabel*>(m_form->labelForField(value))) {
        l->setText(label);
    }
    return value;
}

void StatsPanel::clear()
{
    showTensor(TensorInfo{}, nullptr, 3.0);
    row("name", tr("Name"))->setText(tr("(no tensor selected)"));
}

void StatsPanel::showTensor(const TensorInfo& info, const TensorSummary* s, double sigma)
{
    const QLocale l;
    auto num = [&](double v) { return s ? l.toString(v, 'g', 6) : QStringLiteral("…"); };
    QStringList dims;
    for (auto d : info.shape) dims << QString::number(d);
    row("name", tr("Name"))->setText(QString::fromStdString(info.name));
    row("shape", tr("Shape"))->setText(QStringLiteral("[%1]").arg(dims.join(QStringLiteral(", "))));
    row("dtype", tr("Type"))->setText(QString::fromLatin1(dtypeName(info.dtype).data(), qsizetype(dtypeName(info.dtype).size())));
    row("role", tr("Role"))->setText(QString::fromLatin1(roleName(info.role).data(), qsizetype(roleName(info.role).size())));
    row("params", tr("Parameters"))->setText(l.toString(qlonglong(info.numel())));
    row("channels", tr("Output channels"))->setText(l.toString(qlonglong(info.rows())));
    // The same numbers, in the same order, as `quantscope-cli inspect`.
    const TensorStats* st = s ? &s->stats : nullptr;
    row("mean", tr("Mean"))->setText(num(st ? st->mean : 0));
    row("std", tr("Std deviation"))->setText(num(st ? st->std : 0));
    row("min", tr("Minimum"))->setText(num(st ? st->min : 0));
    row("max", tr("Maximum"))->setText(num(st ? st->max : 0));
    row("absmax", tr("max |w|"))->setText(num(st ? st->absmax : 0));
    row("absmaxOverStd", tr("max |w| / std"))->setText(num(st ? st->absmaxOverStd : 0));
    row("kurtosis", tr("Excess kurtosis"))->setText(num(st ? st->kurtosis : 0));
    row("beyond3sigma", tr("Beyond 3σ"))->setText(st ? tr("%1 %").arg(l.toString(100.0 * st->fractionBeyond3Sigma, 'f', 3)) : QStringLiteral("…"));
    row("nonfinite", tr("Non-finite values"))->setText(st ? l.toString(qulonglong(st->nonFinite)) : QStringLiteral("…"));
    row("outlierChannels", tr("Channels beyond %1σ").arg(sigma, 0, 'f', 2))
        ->setText(s ? l.toString(qlonglong(s->outlierChannels)) : QStringLiteral("…"));
}

QString StatsPanel::value(const QString& key) const
{
    const auto* label = findChild<QLabel*>(QStringLiteral("stat_") + key);
    return label ? label->text() : QString();
}

}  // namespace qs::gui
