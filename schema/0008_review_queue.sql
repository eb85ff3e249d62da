-- The school's review queue (审核): the signings awaiting review, found without reading every
-- invitation. At national scale (tests/bench/national.sh: 2,000,000 invitations) `review approve
-- --all --school` and `review list` read all of them through invitations_graduate to find a
-- queue of a few hundred. Ordered as the queue is listed: oldest response first.
CREATE INDEX invitations_awaiting_review ON invitations(responded_at, id)
  WHERE state = 'awaiting_review';
