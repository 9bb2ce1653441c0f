#include "settings.h"

namespace qs::gui {

void addRecentFile(const QString& path)
{
    QStringList list = settings::recentFiles.get();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecentFiles) list.removeLast();
    settings::recentFiles.set(list);
}

}  // namespace qs::gui
