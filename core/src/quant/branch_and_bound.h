#pragma once
// Best-first branch and bound over cells of a 1-D search window (the range solvers'). Each
// solver brings its own cell type, bound, leaf test, leaf solver and split.

#include "quant/range_search.h"

#include <algorithm>
#include <vector>

namespace qs::quant {

/// Best-first branch and bound over cells of the window: the cell with the lowest bound is
/// taken first; once that bound cannot beat the best known loss, no cell can. `bound(cell)`
/// is a rigorous lower bound; `leaf(cell)` says the cell is solved directly by `solve(cell)`,
/// which updates the best; otherwise `split(cell, push)` pushes its parts (scoring their new
/// edges, which tightens the best). Deterministic: ties in the bound go to the lower cell.
template <typename C, typename Bound, typename Leaf, typename Solve, typename Split>
void branchAndBound(const std::vector<C>& roots, const StepChoice& best, Bound bound, Leaf leaf, Solve solve, Split split)
{
    struct Pending {
        C cell;
        double lb;
    };
    auto later = [](const Pending& x, const Pending& y) { return x.lb > y.lb || (x.lb == y.lb && x.cell.a > y.cell.a); };
    std::vector<Pending> heap;
    auto push = [&](const C& c) {
        heap.push_back({c, bound(c)});
        std::push_heap(heap.begin(), heap.end(), later);
    };
    for (const C& c : roots) push(c);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const Pending p = heap.back();
        heap.pop_back();
        if (p.lb >= best.loss) break;  // every other cell's bound is at least as large
        if (leaf(p.cell))
            solve(p.cell);
        else
            split(p.cell, push);
    }
}

}  // namespace qs::quant
