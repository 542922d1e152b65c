"""The reference parser: the task state machine of PROTOCOL.md, a stream
cut short, kinds it does not know."""
import unittest

from tracing import loopscope_parse, SECOND, script, trace_script

STREAM = """\
["h",1,"3.11.2","virtual","/w/demo.py",{"argv":["demo.py"],"pid":1,"module":false}]
["i",1,"/w/demo.py"]
["i",2,"main"]
["n",1,0,0,"Task-1",2,1,9]
["s",1,0,0,"child",1,7]
["i",3,"fetch"]
["n",2,0,1,"Task-2",3,1,7]
["s",2,0,10,"timer",1,4]
["future-kind",1,2,3]
["r",2,1000]
["r",2,1000]
["s",2,1500,1600]
["s",2,1700,1800,"done","extra field"]
["r",1,1800]
["s",1,1900,2000,"failed","ValueError","bad",1,8]
["e",2000,"exit",1,123]
"""


class ParserTest(unittest.TestCase):

    def test_state_machine(self):
        trace = loopscope_parse.parse_text(STREAM)
        fetch = trace.tasks[2]
        self.assertEqual([(s.state, s.start, s.end) for s in fetch.spans],
                         [("ready", 0, 0), ("running", 0, 10), ("waiting", 10, 1000),
                          ("ready", 1000, 1500), ("running", 1500, 1600),
                          ("ready", 1600, 1700), ("running", 1700, 1800)])
        self.assertEqual(fetch.waits()[0].reason, "timer")
        self.assertEqual((fetch.waits()[0].file, fetch.waits()[0].line), ("/w/demo.py", 4))
        self.assertEqual((fetch.state, fetch.ended), ("done", 1800))
        main = trace.tasks[1]
        self.assertEqual(main.error, ("ValueError", "bad", "/w/demo.py", 8))
        self.assertEqual(main.total("waiting"), 1800)
        self.assertEqual(trace.end["code"], 1)
        self.assertFalse(trace.truncated)

    def test_cut_last_line_is_dropped(self):
        cut = STREAM[:STREAM.index('["r",1,1800]') + 5]
        trace = loopscope_parse.parse_text(cut)
        self.assertTrue(trace.truncated)
        self.assertIsNone(trace.end)
        main = trace.tasks[1]
        self.assertEqual(main.state, "waiting")
        self.assertEqual(main.spans[-1].end, 1800)   # open spans close at the last time seen

    def test_cut_real_trace(self):
        text = trace_script(script("semaphore.py")).text
        for cut in (len(text) // 3, len(text) // 2, len(text) - 2):
            partial = text[:cut]
            if partial.endswith("\n"):
                partial = partial[:-1]
            trace = loopscope_parse.parse_text(partial)
            self.assertTrue(trace.truncated)
            for task in trace.tasks.values():
                self.assertTrue(all(s.end is not None for s in task.spans))
        self.assertEqual(loopscope_parse.parse_text(text).tasks[1].ended, 3 * SECOND)

    def test_broken_line_in_the_middle_is_an_error(self):
        broken = STREAM.replace('["r",1,1800]', '["r",1,18')
        with self.assertRaises(ValueError):
            loopscope_parse.parse_text(broken)

    def test_other_version_is_refused(self):
        with self.assertRaises(ValueError):
            loopscope_parse.parse_text(STREAM.replace('["h",1,', '["h",2,'))


if __name__ == "__main__":
    unittest.main()
