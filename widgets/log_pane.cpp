#include "log_pane.h"

#include <QApplication>
#include <QListWidget>
#include <QMetaObject>
#include <QPointer>
#include <QStyle>
#include <QTime>
#include <QVBoxLayout>

namespace qs::gui {

namespace {
QPointer<LogPane> g_captureTarget;
QtMessageHandler g_previousHandler = nullptr;

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (g_previousHandler) g_previousHandler(type, context, message);
    if (type != QtWarningMsg && type != QtCriticalMsg) return;
    // Platform-plugin chatter (offscreen, xcb) says nothing to a user.
    if (qstrncmp(context.category, "qt.qpa", 6) == 0 || message.startsWith(QLatin1String("This plugin does not support")))
        return;
    // Qt Charts warns when bars (which start at 0) sit on a log axis; the chart draws fine.
    if (message.startsWith(QLatin1String("Logarithms of zero and negative values are undefined"))) return;
    // May be called from any thread: hop to the pane's thread.
    if (LogPane* pane = g_captureTarget.data())
        QMetaObject::invokeMethod(
            pane, [pane, message] { pane->warning(message); }, Qt::QueuedConnection);
}
}  // namespace

LogPane::LogPane(QWidget* parent) : QWidget(parent), m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("logPane"));
    m_list->setObjectName(QStringLiteral("logList"));
    m_list->setWordWrap(true);
    m_list->setUniformItemSizes(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
}

LogPane::~LogPane()
{
    if (g_captureTarget == this) {
        qInstallMessageHandler(g_previousHandler);
        g_captureTarget = nullptr;
    }
}

void LogPane::captureQtMessages()
{
    g_captureTarget = this;
    g_previousHandler = qInstallMessageHandler(messageHandler);
}

void LogPane::append(Level level, const QString& message)
{
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    if (level == Level::Warning) icon = QStyle::SP_MessageBoxWarning;
    if (level == Level::Error) icon = QStyle::SP_MessageBoxCritical;
    auto* item = new QListWidgetItem(style()->standardIcon(icon),
                                     QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), message));
    m_list->addItem(item);
    // Keep the pane bounded: a long session must not grow without limit.
    while (m_list->count() > 2000) delete m_list->takeItem(0);
    m_list->scrollToBottom();
    if (level == Level::Error) Q_EMIT errorLogged(message);
}

int LogPane::count() const
{
    return m_list->count();
}

QString LogPane::text(int row) const
{
    const QListWidgetItem* item = m_list->item(row);
    return item ? item->text() : QString();
}

}  // namespace qs::gui
