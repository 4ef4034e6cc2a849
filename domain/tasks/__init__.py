"""Work lists (重点工作清单) and their tasks (重点任务): owned by departments (责任部室), helped
by others (配合部室), led by a park leader's post (责任领导), reported on, and signed off
(销号) by the office that set the list, as 000 (挂图作战、逐项对账销号) and 004 附件2 ask."""
