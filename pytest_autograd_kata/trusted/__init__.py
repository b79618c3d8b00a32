"""The trusted side: where a kata's checks run and decide, in a process the learner's code
never touched, for every front end.

- :mod:`.checkserver`: one warm pytest session that runs a kata's checks per request, on the
  learner's files sent as text (the grader's workers and the learner's service both serve
  from it); :mod:`.figures`: the PNGs the learner's code saved, read back for a notebook;
- :mod:`.course_session`: the course's checks session a learner's commands use;
  :mod:`.service`: the background process that keeps it warm; :mod:`.checker`: how a front
  end asks it (through the service, or in its own process); :mod:`.checks`: a kata's result
  for the learner, checked now or remembered, and whether it counts.

May use: the plugin, the toolkit, the runner and the course. Never a front end.
"""
