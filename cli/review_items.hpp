// The school's review of items other than signings, shared by `review` (which takes them as
// T<id> and R<id>) and the groups that own them (`terminate`, `register`).
#pragma once

#include <cstdint>
#include <string>

#include "context.hpp"

namespace cli {

enum class ReviewAction { Approve, Reject, Return };

// Approve, refuse or return termination `id`, printing the result as `terminate` does.
void review_termination(Context& ctx, std::int64_t id, ReviewAction action,
                        const std::string& reason);
// Approve (as filed: a new destination code goes through `register approve --code`), reject or
// return registration `id`, printing the result as `register` does.
void review_registration(Context& ctx, std::int64_t id, ReviewAction action,
                         const std::string& reason);

}  // namespace cli
