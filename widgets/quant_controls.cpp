#include "quant_controls.h"

#include "settings.h"

#include "quantscope/quant/quant_presets.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <iterator>

namespace qs::gui {

namespace {
// Setting values use the core's ids (quant_settings.h) so a settings file reads like the CLI.
constexpr const char* kMethodIds[] = {"rtn", "rtn-mse", "easyquant", "nl4"};
constexpr const char* kGranularityIds[] = {"tensor", "channel", "group"};
constexpr const char* kSolverIds[] = {"adam", "search", "minmax"};
constexpr const char* kIntRangeIds[] = {"restricted", "full", "easyquant", "either"};
// The min-max "solver" (outlier isolation without range optimisation) comes with the quant core.
#ifdef QS_HAVE_QUANT_CORE
constexpr int kSolverCount = 3;
#else
constexpr int kSolverCount = 2;
#endif

template <std::size_t N>
int idIndex(const char* const (&ids)[N], const QString& id, int fallback)
{
    for (std::size_t i = 0; i < N; ++i)
        if (id == QLatin1String(ids[i])) return int(i);
    return fallback;
}

QLabel* valueLabel(const char* objectName)
{
    auto* l = new QLabel(QStringLiteral("—"));
    l->setObjectName(QString::fromLatin1(objectName));
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    QFont f = l->font();
    f.setFamily(QStringLiteral("monospace"));
    f.setStyleHint(QFont::TypeWriter);
    l->setFont(f);
    return l;
}
}  // namespace

QString methodDisplayName(QuantMethod m)
{
    switch (m) {
    case QuantMethod::Rtn: return QuantControls::tr("RTN (min-max)");
    case QuantMethod::RtnMse: return QuantControls::tr("RTN with MSE clip search");
    case QuantMethod::EasyQuant: return QuantControls::tr("EasyQuant");
    case QuantMethod::Nl4: return QuantControls::tr("NL4 (non-linear 4-bit, groups of 16 or 32)");
    }
    return {};
}

QString granularityDisplayName(Granularity g)
{
    switch (g) {
    case Granularity::PerTensor: return QuantControls::tr("per tensor");
    case Granularity::PerChannel: return QuantControls::tr("per output channel");
    case Granularity::PerGroup: return QuantControls::tr("per group");
    }
    return {};
}

QString solverDisplayName(RangeSolver s)
{
    if (s == RangeSolver::Adam) return QuantControls::tr("Adam (paper)");
    if (s == RangeSolver::Search) return QuantControls::tr("exact search");
    return QuantControls::tr("none: max |normal value|");
}

QString intRangeDisplayName(IntRange r, int bits)
{
    const IntBounds b = symmetricBounds(bits, r);
    const QString levels = QStringLiteral("[%1, %2]").arg(b.qmin).arg(b.qmax);
    switch (r) {
    case IntRange::Restricted: return QuantControls::tr("restricted %1").arg(levels);
    case IntRange::Full: return QuantControls::tr("full %1").arg(levels);
    case IntRange::EasyQuantLiteral: return QuantControls::tr("paper's formula %1").arg(levels);
    case IntRange::Either:
        return QuantControls::tr("%1 or %2, per unit").arg(levels, QStringLiteral("[%1, %2]").arg(-b.qmax).arg(-b.qmin));
    }
    return {};
}

namespace {

/// A preset's name in the GUI and what it stands for (the core's summaries are English).
QString presetDisplayName(std::string_view id)
{
    if (id == "q4_0") return QuantControls::tr("llama.cpp Q4_0");
    if (id == "q8_0") return QuantControls::tr("llama.cpp Q8_0");
    if (id == "iq4_xs") return QuantControls::tr("llama.cpp IQ4_XS");
    if (id == "easyquant-paper") return QuantControls::tr("EasyQuant as in the paper");
    return QString::fromLatin1(id.data(), qsizetype(id.size()));
}

QString presetToolTip(std::string_view id)
{
    if (id == "q4_0" || id == "q8_0")
        return QuantControls::tr("EasyQuant's exact step search per block of 32 on the block type's own grid or its "
                                 "mirror, no outliers: a GGUF export writes these blocks exactly.");
    if (id == "iq4_xs")
        return QuantControls::tr("NL4 with groups of 32: a GGUF export writes IQ4_XS blocks losslessly.");
    if (id == "easyquant-paper")
        return QuantControls::tr("4 bits per output channel, outliers beyond 3σ kept in fp16, Adam (lr 1e-4, 500 "
                                 "steps) on each range, the paper's grid.");
    return {};
}

/// Whether two settings agree on everything these controls show (what a preset is judged by).
bool sameChoice(const QuantSettings& a, const QuantSettings& b)
{
    if (a.method != b.method || a.bits != b.bits || a.granularity != b.granularity) return false;
    if (a.granularity == Granularity::PerGroup && a.groupSize != b.groupSize) return false;
    if (a.method != QuantMethod::Nl4 && a.intRange != b.intRange) return false;
    if (a.method == QuantMethod::EasyQuant &&
        (a.solver != b.solver || std::abs(a.sigma - b.sigma) > 0.5 * QuantControls::kSigmaStep))
        return false;
    return true;
}

}  // namespace

QuantControls::QuantControls(QWidget* parent)
    : QWidget(parent),
      m_preset(new QComboBox),
      m_method(new QComboBox),
      m_compare(new QComboBox),
      m_bits(new QSpinBox),
      m_intRange(new QComboBox),
      m_granularity(new QComboBox),
      m_groupSize(new QSpinBox),
      m_solver(new QComboBox),
      m_sigmaSlider(new QSlider(Qt::Horizontal)),
      m_sigmaSpin(new QDoubleSpinBox),
      m_outliers(valueLabel("outliersValue")),
      m_relErr(valueLabel("relErrValue")),
      m_sqnr(valueLabel("sqnrValue")),
      m_bpw(valueLabel("bpwValue")),
      m_note(new QLabel),
      m_settingsBox(new QGroupBox),
      m_readoutBox(new QGroupBox),
      m_settingsForm(new QFormLayout(m_settingsBox)),
      m_readoutForm(new QFormLayout(m_readoutBox))
{
    setObjectName(QStringLiteral("quantControls"));
    m_preset->setObjectName(QStringLiteral("presetCombo"));
    m_intRange->setObjectName(QStringLiteral("intRangeCombo"));
    m_method->setObjectName(QStringLiteral("methodCombo"));
    m_compare->setObjectName(QStringLiteral("compareCombo"));
    m_bits->setObjectName(QStringLiteral("bitsSpin"));
    m_granularity->setObjectName(QStringLiteral("granularityCombo"));
    m_groupSize->setObjectName(QStringLiteral("groupSizeSpin"));
    m_solver->setObjectName(QStringLiteral("solverCombo"));
    m_sigmaSlider->setObjectName(QStringLiteral("sigmaSlider"));
    m_sigmaSpin->setObjectName(QStringLiteral("sigmaSpin"));

    for (int i = 0; i < int(std::size(kMethodIds)); ++i) {
        m_method->addItem(QString(), i);
        m_compare->addItem(QString(), i);
    }
    m_preset->addItem(QString(), -1);  // custom
    for (int i = 0; i < int(quantPresets().size()); ++i) m_preset->addItem(QString(), i);
    for (int i = 0; i < int(std::size(kIntRangeIds)); ++i) m_intRange->addItem(QString(), i);
    for (int i = 0; i < int(std::size(kGranularityIds)); ++i) m_granularity->addItem(QString(), i);
    for (int i = 0; i < kSolverCount; ++i) m_solver->addItem(QString(), i);
    m_bits->setRange(2, 8);
    m_groupSize->setRange(8, 4096);
    m_groupSize->setSingleStep(32);
    m_sigmaSlider->setRange(0, int(std::lround(kSigmaMax / kSigmaStep)));
    m_sigmaSlider->setSingleStep(1);
    m_sigmaSlider->setPageStep(10);
    m_sigmaSpin->setRange(0, kSigmaMax);
    m_sigmaSpin->setSingleStep(kSigmaStep);
    m_sigmaSpin->setDecimals(2);

    auto* sigmaRow = new QHBoxLayout;
    sigmaRow->addWidget(m_sigmaSlider, 1);
    sigmaRow->addWidget(m_sigmaSpin);
    // Labels are created empty and named in retranslate().
    m_settingsForm->addRow(new QLabel, m_preset);
    m_settingsForm->addRow(new QLabel, m_method);
    m_settingsForm->addRow(new QLabel, m_bits);
    m_settingsForm->addRow(new QLabel, m_intRange);
    m_settingsForm->addRow(new QLabel, m_granularity);
    m_settingsForm->addRow(new QLabel, m_groupSize);
    m_settingsForm->addRow(new QLabel, m_solver);
    m_settingsForm->addRow(new QLabel, sigmaRow);
    m_settingsForm->addRow(new QLabel, m_compare);
    m_readoutForm->addRow(new QLabel, m_outliers);
    m_readoutForm->addRow(new QLabel, m_relErr);
    m_readoutForm->addRow(new QLabel, m_sqnr);
    m_readoutForm->addRow(new QLabel, m_bpw);
    m_note->setWordWrap(true);
    m_note->setObjectName(QStringLiteral("readoutNote"));
    m_readoutForm->addRow(m_note);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_settingsBox);
    layout->addWidget(m_readoutBox);
    layout->addStretch(1);

    connect(m_sigmaSlider, &QSlider::valueChanged, this, [this](int v) {
        const double s = v * kSigmaStep;
        const QSignalBlocker block(m_sigmaSpin);
        m_sigmaSpin->setValue(s);
        Q_EMIT sigmaChanged(s);
    });
    connect(m_sigmaSpin, &QDoubleSpinBox::valueChanged, this,
            [this](double s) { m_sigmaSlider->setValue(int(std::lround(s / kSigmaStep))); });
    auto changed = [this] {
        updateEnabled();
        updateIntRangeTexts();
        updatePresetChoice();
        Q_EMIT settingsChanged();
    };
    connect(m_preset, &QComboBox::currentIndexChanged, this, &QuantControls::applyPreset);
    connect(m_sigmaSlider, &QSlider::valueChanged, this, &QuantControls::updatePresetChoice);
    connect(m_method, &QComboBox::currentIndexChanged, this, changed);
    connect(m_intRange, &QComboBox::currentIndexChanged, this, changed);
    connect(m_granularity, &QComboBox::currentIndexChanged, this, changed);
    connect(m_solver, &QComboBox::currentIndexChanged, this, changed);
    connect(m_bits, &QSpinBox::valueChanged, this, changed);
    connect(m_groupSize, &QSpinBox::valueChanged, this, changed);

    retranslate();
    setSettings(QuantSettings{});
    clearAnswer(tr("Select a tensor."));
}

void QuantControls::retranslate()
{
    m_settingsBox->setTitle(tr("Quantization settings"));
    m_readoutBox->setTitle(tr("Selected layer at these settings"));
    for (int i = 0; i < int(std::size(kMethodIds)); ++i) {
        m_method->setItemText(i, methodDisplayName(QuantMethod(i)));
        m_compare->setItemText(i, methodDisplayName(QuantMethod(i)));
    }
    for (int i = 0; i < int(std::size(kGranularityIds)); ++i)
        m_granularity->setItemText(i, granularityDisplayName(Granularity(i)));
    for (int i = 0; i < kSolverCount; ++i) m_solver->setItemText(i, solverDisplayName(RangeSolver(i)));
    m_preset->setItemText(0, tr("Custom"));
    for (int i = 0; i < int(quantPresets().size()); ++i) {
        m_preset->setItemText(i + 1, presetDisplayName(quantPresets()[std::size_t(i)].name));
        m_preset->setItemData(i + 1, presetToolTip(quantPresets()[std::size_t(i)].name), Qt::ToolTipRole);
    }
    m_preset->setToolTip(tr("Named settings; changing any control afterwards makes them custom"));
    m_intRange->setToolTip(tr("Integer levels of the symmetric grid at this bit-width; \"per unit\" lets each "
                              "channel or group take the mirrored grid where it fits better"));
    updateIntRangeTexts();
    m_bits->setSuffix(tr(" bits"));
    m_sigmaSpin->setSuffix(tr(" σ"));
    m_sigmaSlider->setToolTip(tr("Outlier threshold: |w − mean| ≥ nσ is kept in fp16 (0 keeps none)"));
    const QStringList labels = {tr("Preset"), tr("Method"), tr("Bits"), tr("Integer range"), tr("Granularity"), tr("Group size"),
                                tr("Range solver"), tr("Outliers at"), tr("Compare with")};
    for (int row = 0; row < labels.size(); ++row)
        if (auto* item = m_settingsForm->itemAt(row, QFormLayout::LabelRole))
            if (auto* label = qobject_cast<QLabel*>(item->widget())) label->setText(labels[row]);
    const QStringList readouts = {tr("Outliers"), tr("rel_err"), tr("SQNR"), tr("bpw")};
    for (int row = 0; row < readouts.size(); ++row)
        if (auto* item = m_readoutForm->itemAt(row, QFormLayout::LabelRole))
            if (auto* label = qobject_cast<QLabel*>(item->widget())) label->setText(readouts[row]);
}

void QuantControls::updateEnabled()
{
    const auto m = QuantMethod(m_method->currentData().toInt());
    // nl4 is a fixed 4-bit per-group format: settings() forces both.
    m_bits->setEnabled(m != QuantMethod::Nl4);
    m_intRange->setEnabled(m != QuantMethod::Nl4);  // nl4's levels are its codebook
    m_granularity->setEnabled(m != QuantMethod::Nl4);
    m_groupSize->setEnabled(m == QuantMethod::Nl4 ||
                            Granularity(m_granularity->currentData().toInt()) == Granularity::PerGroup);
    m_solver->setEnabled(m == QuantMethod::EasyQuant);
    m_sigmaSlider->setEnabled(m == QuantMethod::EasyQuant);
    m_sigmaSpin->setEnabled(m == QuantMethod::EasyQuant);
}

QuantSettings QuantControls::settings() const
{
    QuantSettings s;
    s.method = QuantMethod(m_method->currentData().toInt());
    s.bits = m_bits->value();
    s.intRange = IntRange(m_intRange->currentData().toInt());
    s.granularity = Granularity(m_granularity->currentData().toInt());
    s.groupSize = m_groupSize->value();
    s.solver = RangeSolver(m_solver->currentData().toInt());
    s.sigma = s.method == QuantMethod::EasyQuant ? sigma() : 0.0;
    if (s.method == QuantMethod::Nl4) {
        s.bits = 4;
        s.granularity = Granularity::PerGroup;
    }
    return s;
}

void QuantControls::setSettings(const QuantSettings& s)
{
    {
        const QSignalBlocker b1(m_method), b2(m_bits), b3(m_granularity), b4(m_groupSize), b5(m_solver),
            b6(m_intRange);
        m_method->setCurrentIndex(int(s.method));
        m_bits->setValue(s.bits);
        m_intRange->setCurrentIndex(int(s.intRange));
        m_granularity->setCurrentIndex(int(s.granularity));
        m_groupSize->setValue(int(s.groupSize));
        m_solver->setCurrentIndex(int(s.solver));
    }
    if (s.method == QuantMethod::EasyQuant) setSigma(s.sigma);
    updateEnabled();
    updateIntRangeTexts();
    updatePresetChoice();
    Q_EMIT settingsChanged();
}

void QuantControls::updateIntRangeTexts()
{
    for (int i = 0; i < int(std::size(kIntRangeIds)); ++i)
        m_intRange->setItemText(i, intRangeDisplayName(IntRange(i), m_bits->value()));
}

void QuantControls::updatePresetChoice()
{
    const QuantSettings now = settings();
    int match = 0;
    for (int i = 0; i < int(quantPresets().size()); ++i)
        if (sameChoice(now, quantPresets()[std::size_t(i)].settings)) {
            match = i + 1;
            break;
        }
    const QSignalBlocker block(m_preset);
    m_preset->setCurrentIndex(match);
}

void QuantControls::applyPreset(int index)
{
    const int i = m_preset->itemData(index).toInt();
    if (i < 0 || i >= int(quantPresets().size())) return;  // "Custom" keeps the controls as they are
    setSettings(quantPresets()[std::size_t(i)].settings);
}

QString QuantControls::presetName() const
{
    const int i = m_preset->currentData().toInt();
    return i < 0 ? QString() : QString::fromLatin1(quantPresets()[std::size_t(i)].name.data(),
                                                  qsizetype(quantPresets()[std::size_t(i)].name.size()));
}

double QuantControls::sigma() const
{
    return m_sigmaSlider->value() * kSigmaStep;
}

void QuantControls::setSigma(double sigma)
{
    m_sigmaSlider->setValue(int(std::lround(sigma / kSigmaStep)));
}

QuantMethod QuantControls::compareMethod() const
{
    return QuantMethod(m_compare->currentData().toInt());
}

void QuantControls::showAnswer(const ExplorerAnswer& a)
{
    const QLocale l;
    m_outliers->setText(tr("%1 (%2 %)").arg(l.toString(qlonglong(a.outliers)), l.toString(100.0 * a.outlierFrac, 'f', 3)));
    m_relErr->setText(l.toString(a.relErr, 'f', 5));
    m_sqnr->setText(std::isfinite(a.sqnrDb) ? tr("%1 dB").arg(l.toString(a.sqnrDb, 'f', 2)) : tr("exact"));
    m_bpw->setText(l.toString(a.bpw, 'f', 3));
    m_note->setText(tr("RTN on the normal values at %1 bits, outliers beyond %2σ kept in fp16 (range optimisation not included).")
                        .arg(a.bits)
                        .arg(a.sigma, 0, 'f', 2));
}

void QuantControls::clearAnswer(const QString& why)
{
    for (QLabel* l : {m_outliers, m_relErr, m_sqnr, m_bpw}) l->setText(QStringLiteral("—"));
    m_note->setText(why);
}

void QuantControls::saveSettings() const
{
    const QuantSettings s = settings();
    settings::method.set(QString::fromLatin1(kMethodIds[int(s.method)]));
    settings::bits.set(s.bits);
    settings::granularity.set(QString::fromLatin1(kGranularityIds[int(s.granularity)]));
    settings::groupSize.set(int(s.groupSize));
    settings::solver.set(QString::fromLatin1(kSolverIds[int(s.solver)]));
    settings::intRange.set(QString::fromLatin1(kIntRangeIds[int(s.intRange)]));
    settings::outlierSigma.set(sigma());
    settings::compareMethod.set(QString::fromLatin1(kMethodIds[m_compare->currentIndex()]));
}

void QuantControls::loadSettings()
{
    QuantSettings s;
    s.method = QuantMethod(idIndex(kMethodIds, settings::method.get(), int(s.method)));
    s.bits = std::clamp(settings::bits.get(), 2, 8);
    s.intRange = IntRange(idIndex(kIntRangeIds, settings::intRange.get(), int(s.intRange)));
    s.granularity = Granularity(idIndex(kGranularityIds, settings::granularity.get(), int(s.granularity)));
    s.groupSize = std::clamp(settings::groupSize.get(), 8, 4096);
    s.solver = RangeSolver(std::min(idIndex(kSolverIds, settings::solver.get(), int(s.solver)), kSolverCount - 1));
    s.sigma = std::clamp(settings::outlierSigma.get(), 0.0, kSigmaMax);
    m_compare->setCurrentIndex(idIndex(kMethodIds, settings::compareMethod.get(), 0));
    setSettings(s);
    setSigma(s.sigma);
}

}  // namespace qs::gui
