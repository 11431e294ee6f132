-- Where each digest's thread reply (its comments and details) was posted, so that it can be
-- re-rendered when a member asks to be forgotten: the comments it quoted are withdrawn there too.
ALTER TABLE digests ADD COLUMN thread_ts TEXT;
