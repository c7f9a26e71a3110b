/*
 * xmlrpc: the codec against Python's xmlrpc.client.  Every expected byte
 * string below was produced by python3 (3.11): dumps((value,),
 * methodresponse=True) for the answers, dumps(Fault(...)) for the faults,
 * dumps(params, methodname) for the requests, repr() for the doubles, and
 * for the sanitised strings dumps() of the text decoded with
 * errors='replace' and its C0 controls, U+FFFE and U+FFFF replaced by
 * U+FFFD.  They are embedded, not run at test time, so the suite needs
 * no Python.  Where we part from Python on purpose (<i8>, U+FFFD at a
 * string's end) the expected bytes are written by hand and say so, as
 * are the tables of loose and refused requests.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "supervisord/xmlrpc.h"

Suite	*xmlrpc_suite(void);

struct dbl_row {
	double		 d;
	const char	*repr;
};

struct san_row {
	const char	*in;
	size_t		 len;
	const char	*out;
};

static const struct dbl_row dbl_rows[] = {
	{ 0x0.0p+0, "0.0" },
	{ -0x0p+0, "-0.0" },
	{ 0x1.0000000000000p+0, "1.0" },
	{ -0x1.0000000000000p+0, "-1.0" },
	{ 0x1.999999999999ap-4, "0.1" },
	{ 0x1.999999999999ap-3, "0.2" },
	{ 0x1.3333333333333p-2, "0.3" },
	{ 0x1.5555555555555p-2, "0.3333333333333333" },
	{ 0x1.5555555555555p-1, "0.6666666666666666" },
	{ 0x1.c6bf526340000p+49, "1000000000000000.0" },
	{ 0x1.1c37937e08000p+53, "1e+16" },
	{ 0x1.6345785d8a000p+56, "1e+17" },
	{ 0x1.b69b4ba630f35p+56, "1.2345678901234568e+17" },
	{ 0x1.a36e2eb1c432dp-14, "0.0001" },
	{ 0x1.4f8b588e368f1p-17, "1e-05" },
	{ 0x1.f75104d551d69p-17, "1.5e-05" },
	{ 0x1.02e4b6ce5dc68p-13, "0.00012345" },
	{ 0x1.0f0cf064dd592p+73, "1e+22" },
	{ 0x1.52d02c7e14af6p+76, "1e+23" },
	{ 0x1.7e43c8800759cp+996, "1e+300" },
	{ 0x1.56e1fc2f8f359p-997, "1e-300" },
	{ 0x0.0000000000001p-1022, "5e-324" },
	{ 0x1.0000000000000p-1022, "2.2250738585072014e-308" },
	{ 0x1.fffffffffffffp+1023, "1.7976931348623157e+308" },
	{ 0x1.0000000000000p+53, "9007199254740992.0" },
	{ 0x1.0000000000000p+54, "1.8014398509481984e+16" },
	{ 0x1.0000000000000p-1022, "2.2250738585072014e-308" },
	{ 0x0.0000000000001p-1022, "5e-324" },
	{ 0x1.0000000000000p+1023, "8.98846567431158e+307" },
	{ 0x1.0000000000000p+53, "9007199254740992.0" },
	{ 0x1.921f9f01b866ep+1, "3.14159" },
	{ 0x1.9000000000000p+6, "100.0" },
	{ 0x1.34a0000000000p+10, "1234.5" },
	{ 0x1.0000000000000p-1, "0.5" },
	{ 0x1.1c37937e07fffp+53, "9999999999999998.0" },
	{ 0x1.1666666666666p+2, "4.35" },
	{ 0x1.5666666666666p+1, "2.675" },
	{ 0x1.b1ae4d6e2ef50p+69, "1e+21" },
	{ 0x1.ad7f29abcaf48p-24, "1e-07" },
	{ 0x1.6b082c2148b8ep-60, "1.23e-18" },
	{ 0x0.0000000000001p-1022, "5e-324" },
	{ 0x1.0000000000000p-977, "7.82878265628505e-295" },
	{ 0x1.0000000000000p-880, "1.240520129162012e-265" },
	{ 0x1.0000000000000p-783, "1.9656826079092814e-236" },
	{ 0x1.0000000000000p-686, "3.11474842221799e-207" },
	{ 0x1.0000000000000p-589, "4.935515883730707e-178" },
	{ 0x1.0000000000000p-492, "7.820637090558988e-149" },
	{ 0x1.0000000000000p-395, "1.2392294127517818e-119" },
	{ 0x1.0000000000000p-298, "1.9636373861190906e-90" },
	{ 0x1.0000000000000p-201, "3.111507638930571e-61" },
	{ 0x1.0000000000000p-104, "4.930380657631324e-32" },
	{ 0x1.0000000000000p-7, "0.0078125" },
	{ 0x1.0000000000000p+90, "1.2379400392853803e+27" },
	{ 0x1.0000000000000p+187, "1.9615942923083377e+56" },
	{ 0x1.0000000000000p+284, "3.1082702275611665e+85" },
	{ 0x1.0000000000000p+381, "4.92525077454931e+114" },
	{ 0x1.0000000000000p+478, "7.804371375789981e+143" },
	{ 0x1.0000000000000p+575, "1.2366520073655227e+173" },
	{ 0x1.0000000000000p+672, "1.959553324262937e+202" },
	{ 0x1.0000000000000p+769, "3.105036184601418e+231" },
	{ 0x1.0000000000000p+866, "4.9201262289254483e+260" },
	{ 0x1.0000000000000p+963, "7.79625120912e+289" },
	{ -0x1.74de452e6b438p+811, "-1.989032661366619e+244" },
	{ 0x1.3270e269e0d37p+594, "7.761117632285041e+178" },
	{ 0x1.c7fd0a6a3a450p-826, "3.980498358697587e-249" },
	{ -0x1.f0824128b2f33p+292, "-1.5432835417340557e+88" },
	{ 0x1.8e811892f902bp-638, "1.3647584518757569e-192" },
	{ -0x1.1985d5d9dc9f8p-684, "-1.3701135617873088e-206" },
	{ -0x1.25d940ed90475p+655, "-1.7160537630466207e+197" },
	{ 0x1.675cc81e74ef5p-144, "6.294675241195386e-44" },
	{ 0x1.0a35a099950d8p-671, "1.0613447212142254e-202" },
	{ 0x1.d549b6f03675ap+689, "4.708325160387546e+207" },
	{ 0x1.c172411e20b8fp-38, "6.387016158513563e-12" },
	{ -0x1.16ece1738f7d9p-814, "-9.973130378568733e-246" },
	{ 0x1.1ddb66cad4a26p-781, "8.779753225680271e-236" },
	{ -0x1.192cfd3ac94afp-755, "-5.795503248498993e-228" },
	{ -0x1.c105d1fb17c23p+809, "-5.988180159386011e+243" },
	{ -0x1.0b33839263059p-488, "-1.306052388527796e-147" },
	{ -0x1.f48f1a09f76b5p-684, "-2.436117699484841e-206" },
	{ 0x1.630f1f29d0da9p-770, "2.233386999150174e-232" },
	{ -0x1.60af593bd04cfp-673, "-3.51527970626667e-203" },
	{ 0x1.1e29c658cda14p-820, "1.5987381841032883e-247" },
	{ 0x1.8d190f9ebdaccp-118, "4.6678633181812096e-36" },
	{ -0x1.1973e0becd7b0p-791, "-8.441872792105456e-239" },
	{ 0x1.7beaddbc496cbp-478, "1.9015657400796622e-144" },
	{ 0x1.cb2424a23d596p+693, "7.370437700706684e+208" },
	{ -0x1.a63ec24ede6a4p-857, "-1.7163996725272777e-258" },
	{ -0x1.766581e27a1c0p-733, "-3.2367190832119987e-221" },
	{ -0x1.d05584ef8aa38p-777, "-2.2818334634712625e-234" },
	{ -0x1.7ba94d0eda82fp-278, "-3.0536383926309363e-84" },
	{ 0x1.1dbe22e44158bp-601, "1.3449551894627777e-181" },
	{ -0x1.a736994e3bf91p-732, "-7.317495976062606e-221" },
	{ 0x1.850c5a38fd547p-254, "5.249822308814304e-77" },
	{ 0x1.135d25f557203p-624, "1.5450754142984396e-188" },
	{ -0x1.ce4228c38fb29p-155, "-3.953625698224792e-47" },
	{ -0x1.a70c31012f037p-760, "-2.72491267476498e-229" },
	{ -0x1.769b10f4205b4p-536, "-6.505141861548772e-162" },
	{ 0x1.5052434b9b5dfp+1010, "1.441484839555994e+304" },
	{ -0x1.ed162ae2eb154p-894, "-1.4583679262758548e-269" },
	{ -0x1.877186d76b07ep+112, "-7.939416668807721e+33" },
	{ 0x1.1af10506bf2efp+884, "1.4255183989699612e+266" },
	{ -0x1.6a78795e761d1p+711, "-1.525315701232403e+214" },
	{ 0x1.0a9587403e430p+458, "7.750545741548908e+137" },
	{ 0x1.8e2774cbd87adp-6, "0.024301399287089676" },
	{ 0x1.5319acb5c7427p-287, "5.326960081783017e-87" },
	{ -0x1.2ea20b2f14c94p+123, "-1.2570882301712172e+37" },
	{ 0x1.4733f3e7d1bfbp-688, "9.952684009002448e-208" },
	{ 0x1.d2055930d6eafp+206, "1.8721667527122837e+62" },
	{ 0x1.ff20686734721p+1004, "3.422978398947072e+302" },
	{ 0x1.e05cde00902c7p+383, "3.6967297937384553e+115" },
	{ 0x1.6cc3ababced20p+815, "3.113284956169447e+245" },
	{ -0x1.4bcfc49b64a08p-577, "-2.6202582260546103e-174" },
	{ 0x1.e000000000000p+9, "960.0" },
	{ 0x1.7e66666666666p+4, "23.9" },
	{ 0x1.0126666666666p+9, "514.3" },
	{ 0x1.b1451eb851eb8p+9, "866.54" },
	{ -0x1.cccaf15619115p+9, "-921.58549" },
	{ -0x1.a66126e978d50p+9, "-844.759" },
	{ 0x1.241a90257c915p+7, "146.051881" },
	{ -0x1.748145b6c3761p+8, "-372.50497" },
	{ -0x1.2ba49ba5e353fp+8, "-299.643" },
	{ 0x1.3f947ae147ae1p+7, "159.79" },
	{ -0x1.af00000000000p+9, "-862.0" },
	{ 0x1.bcae560418937p+9, "889.362" },
	{ 0x1.8a00000000000p+8, "394.0" },
	{ -0x1.b754a03c4b09fp+9, "-878.66114" },
	{ -0x1.7cc902de00d1bp+8, "-380.7852" },
	{ 0x1.ed188f7db6e50p+9, "986.191879" },
	{ -0x1.b2dfb69984a0ep+6, "-108.71847" },
	{ -0x1.c8d590c0ad03ep+7, "-228.41712" },
	{ -0x1.31fd2f1a9fbe7p+8, "-305.989" },
	{ -0x1.2112617c1bda5p+8, "-289.0718" },
};
static const char doc_str[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><string>hello</string></value>\n</param>\n</param"
	    "s>\n</methodResponse>\n";
static const char doc_empty[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><string></string></value>\n</param>\n</params>\n<"
	    "/methodResponse>\n";
static const char doc_esc[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><string>a&amp;b&lt;c&gt;d\"e'f\015\n\011</string>"
	    "</value>\n</param>\n</params>\n</methodResponse>\n";
static const char doc_utf8[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><string>h\303\251llo \342\202\254 \360\237\230\200"
	    " \177\302\205</string></value>\n</param>\n</params>\n</met"
	    "hodResponse>\n";
static const char doc_int0[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><int>0</int></value>\n</param>\n</params>\n</meth"
	    "odResponse>\n";
static const char doc_intneg[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><int>-1</int></value>\n</param>\n</params>\n</met"
	    "hodResponse>\n";
static const char doc_intmax[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><int>2147483647</int></value>\n</param>\n</params"
	    ">\n</methodResponse>\n";
static const char doc_intmin[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><int>-2147483648</int></value>\n</param>\n</param"
	    "s>\n</methodResponse>\n";
static const char doc_true[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><boolean>1</boolean></value>\n</param>\n</params>"
	    "\n</methodResponse>\n";
static const char doc_false[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><boolean>0</boolean></value>\n</param>\n</params>"
	    "\n</methodResponse>\n";
static const char doc_arr0[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><array><data>\n</data></array></value>\n</param>\n"
	    "</params>\n</methodResponse>\n";
static const char doc_st0[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><struct>\n</struct></value>\n</param>\n</params>\n"
	    "</methodResponse>\n";
static const char doc_info[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><struct>\n<member>\n<name>name</name>\n<value><st"
	    "ring>web</string></value>\n</member>\n<member>\n<name>grou"
	    "p</name>\n<value><string>web</string></value>\n</member>\n"
	    "<member>\n<name>start</name>\n<value><int>1700000000</int>"
	    "</value>\n</member>\n<member>\n<name>stop</name>\n<value><"
	    "int>0</int></value>\n</member>\n<member>\n<name>now</name>"
	    "\n<value><int>1700000100</int></value>\n</member>\n<member"
	    ">\n<name>state</name>\n<value><int>20</int></value>\n</mem"
	    "ber>\n<member>\n<name>statename</name>\n<value><string>RUN"
	    "NING</string></value>\n</member>\n<member>\n<name>spawnerr"
	    "</name>\n<value><string></string></value>\n</member>\n<mem"
	    "ber>\n<name>exitstatus</name>\n<value><int>0</int></value>"
	    "\n</member>\n<member>\n<name>logfile</name>\n<value><strin"
	    "g>/var/log/web.log</string></value>\n</member>\n<member>\n"
	    "<name>stdout_logfile</name>\n<value><string>/var/log/web.l"
	    "og</string></value>\n</member>\n<member>\n<name>stderr_log"
	    "file</name>\n<value><string></string></value>\n</member>\n"
	    "<member>\n<name>pid</name>\n<value><int>1234</int></value>"
	    "\n</member>\n<member>\n<name>description</name>\n<value><s"
	    "tring>pid 1234, uptime 0:01:40</string></value>\n</member>"
	    "\n</struct></value>\n</param>\n</params>\n</methodResponse"
	    ">\n";
static const char doc_reload[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><array><data>\n<value><array><data>\n<value><arra"
	    "y><data>\n<value><string>a</string></value>\n<value><strin"
	    "g>b</string></value>\n</data></array></value>\n<value><arr"
	    "ay><data>\n</data></array></value>\n<value><array><data>\n"
	    "<value><string>c</string></value>\n</data></array></value>"
	    "\n</data></array></value>\n</data></array></value>\n</para"
	    "m>\n</params>\n</methodResponse>\n";
static const char doc_multi[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><array><data>\n<value><string>3.0</string></value"
	    ">\n<value><struct>\n<member>\n<name>faultCode</name>\n<val"
	    "ue><int>10</int></value>\n</member>\n<member>\n<name>fault"
	    "String</name>\n<value><string>BAD_NAME: foo</string></valu"
	    "e>\n</member>\n</struct></value>\n<value><boolean>1</boole"
	    "an></value>\n</data></array></value>\n</param>\n</params>\n"
	    "</methodResponse>\n";
static const char doc_tail[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><array><data>\n<value><string>x\n</string></value"
	    ">\n<value><int>12</int></value>\n<value><boolean>0</boolea"
	    "n></value>\n</data></array></value>\n</param>\n</params>\n"
	    "</methodResponse>\n";
static const char doc_mixed[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><array><data>\n<value><double>1.5</double></value"
	    ">\n<value><base64>\nAAFiaW5hcnk=\n</base64></value>\n<valu"
	    "e><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></"
	    "value>\n<value><struct>\n<member>\n<name>k&amp;&lt;</name>"
	    "\n<value><double>-0.25</double></value>\n</member>\n</stru"
	    "ct></value>\n</data></array></value>\n</param>\n</params>\n"
	    "</methodResponse>\n";
static const char doc_b64[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>"
	    "\n<value><base64>\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw"
	    "dHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\nOTo7PD0+P0BBQkNERUZ"
	    "HSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiYw==\n</base64></valu"
	    "e>\n</param>\n</params>\n</methodResponse>\n";
static const char fault_0[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><"
	    "struct>\n<member>\n<name>faultCode</name>\n<value><int>10<"
	    "/int></value>\n</member>\n<member>\n<name>faultString</nam"
	    "e>\n<value><string>BAD_NAME: foo</string></value>\n</membe"
	    "r>\n</struct></value>\n</fault>\n</methodResponse>\n";
static const char fault_1[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><"
	    "struct>\n<member>\n<name>faultCode</name>\n<value><int>1</"
	    "int></value>\n</member>\n<member>\n<name>faultString</name"
	    ">\n<value><string>UNKNOWN_METHOD</string></value>\n</membe"
	    "r>\n</struct></value>\n</fault>\n</methodResponse>\n";
static const char fault_2[] =
	    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><"
	    "struct>\n<member>\n<name>faultCode</name>\n<value><int>2</"
	    "int></value>\n</member>\n<member>\n<name>faultString</name"
	    ">\n<value><string>a&lt;b&amp;c</string></value>\n</member>"
	    "\n</struct></value>\n</fault>\n</methodResponse>\n";
static const char req_getstate[] =
	    "<?xml version='1.0'?>\n<methodCall>\n<methodName>superviso"
	    "r.getState</methodName>\n<params>\n</params>\n</methodCall"
	    ">\n";
static const char req_start[] =
	    "<?xml version='1.0'?>\n<methodCall>\n<methodName>superviso"
	    "r.startProcess</methodName>\n<params>\n<param>\n<value><st"
	    "ring>web</string></value>\n</param>\n<param>\n<value><bool"
	    "ean>1</boolean></value>\n</param>\n</params>\n</methodCall"
	    ">\n";
static const char req_tail[] =
	    "<?xml version='1.0'?>\n<methodCall>\n<methodName>superviso"
	    "r.tailProcessStdoutLog</methodName>\n<params>\n<param>\n<v"
	    "alue><string>web</string></value>\n</param>\n<param>\n<val"
	    "ue><int>0</int></value>\n</param>\n<param>\n<value><int>10"
	    "0</int></value>\n</param>\n</params>\n</methodCall>\n";
static const char req_multi[] =
	    "<?xml version='1.0'?>\n<methodCall>\n<methodName>system.mu"
	    "lticall</methodName>\n<params>\n<param>\n<value><array><da"
	    "ta>\n<value><struct>\n<member>\n<name>methodName</name>\n<"
	    "value><string>supervisor.stopAllProcesses</string></value>"
	    "\n</member>\n<member>\n<name>params</name>\n<value><array>"
	    "<data>\n</data></array></value>\n</member>\n</struct></val"
	    "ue>\n<value><struct>\n<member>\n<name>methodName</name>\n<"
	    "value><string>supervisor.startAllProcesses</string></value"
	    ">\n</member>\n<member>\n<name>params</name>\n<value><array"
	    "><data>\n<value><boolean>1</boolean></value>\n</data></arr"
	    "ay></value>\n</member>\n</struct></value>\n</data></array>"
	    "</value>\n</param>\n</params>\n</methodCall>\n";
static const char req_stdin[] =
	    "<?xml version='1.0'?>\n<methodCall>\n<methodName>superviso"
	    "r.sendProcessStdin</methodName>\n<params>\n<param>\n<value"
	    "><string>web</string></value>\n</param>\n<param>\n<value><"
	    "string>x&amp;&lt;&gt;\303\251\n</string></value>\n</param>"
	    "\n</params>\n</methodCall>\n";
static const struct san_row san_rows[] = {
	{ "\001", 1,
	    "<value><string>\357\277\275</string></value>\n" },
	{ "a\033[31mred\033[0m", 13,
	    "<value><string>a\357\277\275[31mred\357\277\275[0m</string"
	    "></value>\n" },
	{ "nul\000nul", 7,
	    "<value><string>nul\357\277\275nul</string></value>\n" },
	{ "\377", 1,
	    "<value><string>\357\277\275</string></value>\n" },
	{ "\300\200", 2,
	    "<value><string>\357\277\275\357\277\275</string></value>\n" },
	{ "\355\240\200", 3,
	    "<value><string>\357\277\275\357\277\275\357\277\275</strin"
	    "g></value>\n" },
	{ "\357\277\276\357\277\277", 6,
	    "<value><string>\357\277\275\357\277\275</string></value>\n" },
	{ "\342\202A", 3,
	    "<value><string>\357\277\275A</string></value>\n" },
	{ "\364\220\200\200", 4,
	    "<value><string>\357\277\275\357\277\275\357\277\275\357\277"
	    "\275</string></value>\n" },
	{ "\360\237\230", 3,
	    "<value><string>\357\277\275</string></value>\n" },
	{ "\342\202\254\360\237\230\200ok", 9,
	    "<value><string>\342\202\254\360\237\230\200ok</string></va"
	    "lue>\n" },
	{ "\200\277", 2,
	    "<value><string>\357\277\275\357\277\275</string></value>\n" },
	{ "\302", 1,
	    "<value><string>\357\277\275</string></value>\n" },
	{ "\370\210\200\200\200", 5,
	    "<value><string>\357\277\275\357\277\275\357\277\275\357\277"
	    "\275\357\277\275</string></value>\n" },
	{ "a\015b\013c\014d\177", 8,
	    "<value><string>a\015b\357\277\275c\357\277\275d\177</strin"
	    "g></value>\n" },
};

/* A sink that keeps what the writer wrote, NUL-terminated. */
struct sink {
	char	*p;
	size_t	 len, cap;
	size_t	 calls;
};

static void
sink_write(void *arg, const void *s, size_t n)
{
	struct sink	*k = arg;

	ck_assert_uint_gt(n, 0);
	if (k->len + n + 1 > k->cap) {
		k->cap = (k->len + n + 1) * 2;
		k->p = realloc(k->p, k->cap);
		if (k->p == NULL)
			abort();
	}
	memcpy(k->p + k->len, s, n);
	k->len += n;
	k->p[k->len] = '\0';
	k->calls++;
}

static void
out_open(struct xr_out *o, struct sink *k, bool bare)
{
	memset(k, 0, sizeof(*k));
	xr_out_init(o, sink_write, NULL, k);
	/* A bare value: no envelope, as inside a request. */
	o->started = bare;
}

static const char *
sink_str(struct sink *k)
{
	return k->p != NULL ? k->p : "";
}

static struct xr_val *
typed(struct xr_val *v, enum xr_type type)
{
	ck_assert_ptr_nonnull(v);
	v->type = type;
	return v;
}

static struct xr_val *
dbl(double d)
{
	struct xr_val	*v = typed(xr_int(0), XR_DOUBLE);

	v->d = d;
	return v;
}

static struct xr_val *
str(const char *s)
{
	return xr_string(s, strlen(s));
}

static struct xr_val *
arr(int n, ...)
{
	struct xr_val	*a = xr_array();
	va_list		 ap;

	va_start(ap, n);
	while (n-- > 0)
		ck_assert_int_eq(xr_push(a, va_arg(ap, struct xr_val *)), 0);
	va_end(ap);
	return a;
}

static struct xr_val *
st(int n, ...)
{
	struct xr_val	*s = xr_struct();
	const char	*k;
	va_list		 ap;

	va_start(ap, n);
	while (n-- > 0) {
		k = va_arg(ap, const char *);
		ck_assert_int_eq(xr_put(s, k, va_arg(ap, struct xr_val *)),
		    0);
	}
	va_end(ap);
	return s;
}

static struct xr_val *
mk_info(void)
{
	return st(14, "name", str("web"), "group", str("web"),
	    "start", xr_int(1700000000), "stop", xr_int(0),
	    "now", xr_int(1700000100), "state", xr_int(20),
	    "statename", str("RUNNING"), "spawnerr", str(""),
	    "exitstatus", xr_int(0), "logfile", str("/var/log/web.log"),
	    "stdout_logfile", str("/var/log/web.log"),
	    "stderr_logfile", str(""), "pid", xr_int(1234),
	    "description", str("pid 1234, uptime 0:01:40"));
}

static struct xr_val *
mk_bytes(const void *s, size_t len)
{
	return typed(xr_string(s, len), XR_BASE64);
}

static struct xr_val *
mk_doc(int i)
{
	unsigned char	b[100];
	int		j;

	switch (i) {
	case 0: return str("hello");
	case 1: return str("");
	case 2: return str("a&b<c>d\"e'f\r\n\t");
	case 3: return str("h\303\251llo \342\202\254 \360\237\230\200 "
		    "\177\302\205");
	case 4: return xr_int(0);
	case 5: return xr_int(-1);
	case 6: return xr_int(INT32_MAX);
	case 7: return xr_int(INT32_MIN);
	case 8: return xr_bool(true);
	case 9: return xr_bool(false);
	case 10: return xr_array();
	case 11: return xr_struct();
	case 12: return mk_info();
	case 13: return arr(1, arr(3, arr(2, str("a"), str("b")), arr(0),
		    arr(1, str("c"))));
	case 14: return arr(3, str("3.0"), st(2, "faultCode", xr_int(10),
		    "faultString", str("BAD_NAME: foo")), xr_bool(true));
	case 15: return arr(3, str("x\n"), xr_int(12), xr_bool(false));
	case 16: return arr(4, dbl(1.5), mk_bytes("\0\1binary", 8),
		    typed(str("20240102T03:04:05"), XR_DATETIME),
		    st(1, "k&<", dbl(-0.25)));
	default:
		for (j = 0; j < 100; j++)
			b[j] = j;
		return mk_bytes(b, sizeof(b));
	}
}

static const char *const docs[] = {
	doc_str, doc_empty, doc_esc, doc_utf8, doc_int0, doc_intneg,
	doc_intmax, doc_intmin, doc_true, doc_false, doc_arr0, doc_st0,
	doc_info, doc_reload, doc_multi, doc_tail, doc_mixed, doc_b64
};
#define NDOCS	((int)(sizeof(docs) / sizeof(docs[0])))

START_TEST(test_writes_as_python)
{
	struct xr_out	 o;
	struct sink	 k;
	struct xr_val	*v = mk_doc(_i);

	out_open(&o, &k, false);
	xr_put_val(&o, v);
	xr_out_finish(&o);
	ck_assert_str_eq(sink_str(&k), docs[_i]);
	xr_val_free(v);
	free(k.p);
}
END_TEST

START_TEST(test_round_trips_answers)
{
	struct xr_val	*v;
	struct xr_out	 o;
	struct sink	 k;
	char		 err[128];
	bool		 fault;

	ck_assert_int_eq(xr_decode_response(docs[_i], strlen(docs[_i]), &v,
	    &fault, err, sizeof(err)), 0);
	ck_assert(!fault);
	if (strstr(docs[_i], "\r") != NULL) {
		/* A raw \r is read as XML's end of line: \n. */
		ck_assert_int_eq(v->type, XR_STRING);
		ck_assert_str_eq(v->s, "a&b<c>d\"e'f\n\t");
		xr_val_free(v);
		return;
	}
	out_open(&o, &k, false);
	xr_put_val(&o, v);
	xr_out_finish(&o);
	ck_assert_str_eq(sink_str(&k), docs[_i]);
	xr_val_free(v);
	free(k.p);
}
END_TEST

START_TEST(test_writes_double_as_repr)
{
	struct xr_out	 o;
	struct sink	 k;
	char		 want[128];
	struct xr_val	*v;
	bool		 fault;
	char		 err[128];

	out_open(&o, &k, true);
	xr_put_double(&o, dbl_rows[_i].d);
	snprintf(want, sizeof(want), "<value><double>%s</double></value>\n",
	    dbl_rows[_i].repr);
	ck_assert_str_eq(sink_str(&k), want);
	free(k.p);

	/* And it reads back exactly. */
	snprintf(want, sizeof(want), "<methodResponse><params><param>"
	    "<value><double>%s</double></value></param></params>"
	    "</methodResponse>", dbl_rows[_i].repr);
	ck_assert_int_eq(xr_decode_response(want, strlen(want), &v, &fault,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(v->type, XR_DOUBLE);
	ck_assert(memcmp(&v->d, &dbl_rows[_i].d, sizeof(double)) == 0);
	xr_val_free(v);
}
END_TEST

START_TEST(test_writes_special_doubles)
{
	static const struct { double d; const char *s; } rows[] = {
		{ 1.0 / 0.0, "inf" }, { -1.0 / 0.0, "-inf" },
		{ 0.0 / 0.0, "nan" }
	};
	struct xr_out	 o;
	struct sink	 k;
	char		 want[128];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out_open(&o, &k, true);
		xr_put_double(&o, rows[i].d);
		snprintf(want, sizeof(want),
		    "<value><double>%s</double></value>\n", rows[i].s);
		ck_assert_str_eq(sink_str(&k), want);
		free(k.p);
	}
}
END_TEST

START_TEST(test_sanitises_text)
{
	const struct san_row	*r = &san_rows[_i];
	struct xr_out		 o;
	struct sink		 k;
	size_t			 j;

	out_open(&o, &k, true);
	xr_put_string(&o, r->in, r->len);
	ck_assert_str_eq(sink_str(&k), r->out);
	free(k.p);

	/* The same, a byte per part. */
	out_open(&o, &k, true);
	xr_str_begin(&o);
	for (j = 0; j < r->len; j++)
		xr_str_part(&o, r->in + j, 1);
	xr_str_end(&o);
	ck_assert_str_eq(sink_str(&k), r->out);
	free(k.p);
}
END_TEST

START_TEST(test_joins_sequences_split_between_parts)
{
	static const char	 s[] = "a\342\202\254b\360\237\230\200c\303"
	    "\251&\357\277\275";
	static const char	 want[] = "<value><string>a\342\202\254b"
	    "\360\237\230\200c\303\251&amp;\357\277\275</string></value>\n";
	size_t			 n = sizeof(s) - 1, i, j;
	struct xr_out		 o;
	struct sink		 k;

	for (i = 0; i <= n; i++)
		for (j = i; j <= n; j++) {
			out_open(&o, &k, true);
			xr_str_begin(&o);
			xr_str_part(&o, s, i);
			xr_str_part(&o, s + i, j - i);
			xr_str_part(&o, s + j, n - j);
			xr_str_end(&o);
			ck_assert_str_eq(sink_str(&k), want);
			free(k.p);
		}
}
END_TEST

START_TEST(test_unfinished_sequence_at_end_is_replaced)
{
	struct xr_out	 o;
	struct sink	 k;

	/* Not Python's: it would have refused the bytes. */
	out_open(&o, &k, true);
	xr_str_begin(&o);
	xr_str_part(&o, "ab\360\237", 4);
	xr_str_part(&o, "\230", 1);
	xr_str_end(&o);
	ck_assert_str_eq(sink_str(&k),
	    "<value><string>ab\357\277\275</string></value>\n");
	free(k.p);

	out_open(&o, &k, true);
	xr_str_begin(&o);
	xr_str_part(&o, "\342", 1);
	xr_str_part(&o, "A\342", 2);
	xr_str_part(&o, "\202", 1);
	xr_str_part(&o, "\342", 1);
	xr_str_end(&o);
	ck_assert_str_eq(sink_str(&k), "<value><string>\357\277\275A"
	    "\357\277\275\357\277\275</string></value>\n");
	free(k.p);
}
END_TEST

START_TEST(test_writes_faults_as_python)
{
	static const struct { int code; const char *text; } rows[] = {
		{ 10, "BAD_NAME: foo" }, { 1, "UNKNOWN_METHOD" },
		{ 2, "a<b&c" }
	};
	static const char *const want[] = { fault_0, fault_1, fault_2 };
	struct xr_val	*v;
	struct xr_out	 o;
	struct sink	 k;
	char		 err[128];
	bool		 fault;
	size_t		 i;

	for (i = 0; i < 3; i++) {
		out_open(&o, &k, false);
		xr_fault(&o, rows[i].code, rows[i].text);
		xr_out_finish(&o);
		ck_assert_str_eq(sink_str(&k), want[i]);
		ck_assert_int_eq(xr_decode_response(k.p, k.len, &v, &fault,
		    err, sizeof(err)), 0);
		ck_assert(fault);
		ck_assert_int_eq(xr_member(v, "faultCode")->i, rows[i].code);
		ck_assert_str_eq(xr_member(v, "faultString")->s,
		    rows[i].text);
		xr_val_free(v);
		free(k.p);
	}
}
END_TEST

START_TEST(test_streams_a_multicall_with_a_fault)
{
	struct xr_out	 o;
	struct sink	 k;

	out_open(&o, &k, false);
	ck_assert_uint_eq(xr_room(&o), SIZE_MAX);
	xr_array_begin(&o);
	xr_put_cstr(&o, "3.0");
	xr_fault(&o, 10, "BAD_NAME: foo");
	xr_put_bool(&o, true);
	xr_array_end(&o);
	xr_out_finish(&o);
	ck_assert_str_eq(sink_str(&k), doc_multi);
	free(k.p);

	out_open(&o, &k, false);
	xr_struct_begin(&o);
	xr_member_begin(&o, "name");
	xr_str_begin(&o);
	xr_str_part(&o, "w", 1);
	xr_str_part(&o, "eb", 2);
	xr_str_end(&o);
	xr_member_end(&o);
	xr_member_begin(&o, "group");
	xr_put_string(&o, "web", 3);
	xr_member_end(&o);
	xr_struct_end(&o);
	xr_out_finish(&o);
	ck_assert_ptr_nonnull(strstr(sink_str(&k), "<value><struct>\n"
	    "<member>\n<name>name</name>\n<value><string>web</string>"
	    "</value>\n</member>\n<member>\n<name>group</name>\n"));
	free(k.p);
}
END_TEST

static size_t
room_cb(void *arg)
{
	return *(size_t *)arg;
}

START_TEST(test_room_asks_the_consumer)
{
	struct xr_out	o;
	struct sink	k;
	size_t		room = 7;

	memset(&k, 0, sizeof(k));
	xr_out_init(&o, sink_write, room_cb, &room);
	ck_assert_uint_eq(xr_room(&o), 7);
	room = 0;
	ck_assert_uint_eq(xr_room(&o), 0);
	(void)k;
}
END_TEST

START_TEST(test_i8_beyond_32_bits)
{
	static const long long	 rows[] = { 2147483648LL, -2147483649LL,
	    LLONG_MAX, LLONG_MIN };
	struct xr_val		*v;
	struct xr_out		 o;
	struct sink		 k;
	char			 want[128], err[128];
	bool			 fault;
	size_t			 i;

	/* Not Python's (it refuses); its loads() reads <i8>. */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out_open(&o, &k, false);
		xr_put_int(&o, rows[i]);
		xr_out_finish(&o);
		snprintf(want, sizeof(want), "<value><i8>%lld</i8></value>\n",
		    rows[i]);
		ck_assert_ptr_nonnull(strstr(sink_str(&k), want));
		ck_assert_int_eq(xr_decode_response(k.p, k.len, &v, &fault,
		    err, sizeof(err)), 0);
		ck_assert_int_eq(v->type, XR_INT);
		ck_assert(v->i == rows[i]);
		xr_val_free(v);
		free(k.p);
	}
}
END_TEST

static struct xr_val *
mk_req(int i)
{
	switch (i) {
	case 0: return xr_array();
	case 1: return arr(2, str("web"), xr_bool(true));
	case 2: return arr(3, str("web"), xr_int(0), xr_int(100));
	case 3: return arr(1, arr(2, st(2, "methodName",
		    str("supervisor.stopAllProcesses"), "params", arr(0)),
		    st(2, "methodName", str("supervisor.startAllProcesses"),
		    "params", arr(1, xr_bool(true)))));
	default: return arr(2, str("web"), str("x&<>\303\251\n"));
	}
}

static const struct {
	const char	*body;
	const char	*method;
} reqs[] = {
	{ req_getstate, "supervisor.getState" },
	{ req_start, "supervisor.startProcess" },
	{ req_tail, "supervisor.tailProcessStdoutLog" },
	{ req_multi, "system.multicall" },
	{ req_stdin, "supervisor.sendProcessStdin" }
};

/* The params as the writer writes them, to compare whole trees. */
static char *
dump(const struct xr_val *v)
{
	struct xr_out	o;
	struct sink	k;

	out_open(&o, &k, true);
	xr_put_val(&o, v);
	return k.p != NULL ? k.p : strdup("");
}

START_TEST(test_reads_python_requests)
{
	struct xr_call	 c;
	struct xr_val	*want = mk_req(_i);
	char		 err[128], *a, *b, *enc;
	size_t		 len;

	ck_assert_int_eq(xr_decode_call(reqs[_i].body, strlen(reqs[_i].body),
	    &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.method, reqs[_i].method);
	a = dump(c.params);
	b = dump(want);
	ck_assert_str_eq(a, b);
	enc = xr_encode_call(reqs[_i].method, want, &len);
	ck_assert_ptr_nonnull(enc);
	ck_assert_uint_eq(len, strlen(reqs[_i].body));
	ck_assert_str_eq(enc, reqs[_i].body);
	free(enc);
	free(a);
	free(b);
	xr_call_clear(&c);
	xr_val_free(want);
}
END_TEST

#define CALL(p)	"<?xml version='1.0'?>\n<methodCall><methodName>m" \
		"</methodName>" p "</methodCall>"
#define ONE(v)	CALL("<params><param>" v "</param></params>")
#define ARR(x)	"<value><array><data>\n" x "</data></array></value>\n"

/* What supervisor's loads() and Python's loads() accept, as we read it. */
static const struct {
	const char	*body;
	const char	*dump;
} loose[] = {
	{ CALL(""), ARR("") },
	{ CALL("<params/>"), ARR("") },
	{ ONE("<value>text</value>"), ARR("<value><string>text</string>"
	    "</value>\n") },
	{ ONE("<value>  a b  </value>"), ARR("<value><string>  a b  "
	    "</string></value>\n") },
	{ ONE("<value></value>"), ARR("<value><string></string>"
	    "</value>\n") },
	{ ONE("<value/>"), ARR("<value><string></string></value>\n") },
	{ CALL("\n<params>\n  <param>\n    <value>\n      <i4> 42 </i4>\n"
	    "    </value>\n  </param>\n</params>\n"),
	    ARR("<value><int>42</int></value>\n") },
	{ ONE("<value><int>+7</int></value>"),
	    ARR("<value><int>7</int></value>\n") },
	{ ONE("<value><int>1_000</int></value>"),
	    ARR("<value><int>1000</int></value>\n") },
	{ ONE("<value><i8>5000000000</i8></value>"),
	    ARR("<value><i8>5000000000</i8></value>\n") },
	{ ONE("<value><nil/></value>"), ARR("<value><nil/></value>") },
	{ ONE("<value><ex:nil xmlns:ex='x'/></value>"),
	    ARR("<value><nil/></value>") },
	{ ONE("<value><base64>aGVs\nbG8=</base64></value>"),
	    ARR("<value><base64>\naGVsbG8=\n</base64></value>\n") },
	{ ONE("<value><base64></base64></value>"),
	    ARR("<value><base64>\n</base64></value>\n") },
	{ ONE("<value><boolean>1</boolean></value>"),
	    ARR("<value><boolean>1</boolean></value>\n") },
	/* supervisor 4.2.5: text == "1" */
	{ ONE("<value><boolean>true</boolean></value>"),
	    ARR("<value><boolean>0</boolean></value>\n") },
	{ ONE("<value><double> 1_000.5 </double></value>"),
	    ARR("<value><double>1000.5</double></value>\n") },
	{ ONE("<value><double>1e3</double></value>"),
	    ARR("<value><double>1000.0</double></value>\n") },
	{ ONE("<value><double>-Infinity</double></value>"),
	    ARR("<value><double>-inf</double></value>\n") },
	{ ONE("<value><string>&amp;&#233;<![CDATA[<x>]]>&#13;</string>"
	    "</value>"), ARR("<value><string>&amp;\303\251&lt;x&gt;\015"
	    "</string></value>\n") },
	{ ONE("<value><string>a\r\nb</string></value>"),
	    ARR("<value><string>a\nb</string></value>\n") },
	{ "<?xml version='1.0' encoding='ISO-8859-1'?>\n<methodCall>"
	    "<methodName>m</methodName><params><param><value>\351</value>"
	    "</param></params></methodCall>",
	    ARR("<value><string>\303\251</string></value>\n") },
	{ ONE("<value><foo>bar</foo></value>"),
	    ARR("<value><string>bar</string></value>\n") },
	{ ONE("<value><dateTime.iso8601>20240102T03:04:05"
	    "</dateTime.iso8601></value>"), ARR("<value><dateTime.iso8601>"
	    "20240102T03:04:05</dateTime.iso8601></value>\n") },
	{ ONE("<value><array><value><int>1</int></value></array></value>"),
	    ARR(ARR("<value><int>1</int></value>\n")) },
	{ ONE("<value><struct>\n <member>\n  <value>v</value>\n"
	    "  <name>k</name>\n </member>\n</struct></value>"),
	    ARR("<value><struct>\n<member>\n<name>k</name>\n<value><string>"
	    "v</string></value>\n</member>\n</struct></value>\n") },
	{ CALL("<params><value><int>3</int></value></params>"),
	    ARR("<value><int>3</int></value>\n") },
};

START_TEST(test_reads_loose_forms)
{
	struct xr_call	 c;
	char		 err[128], *got;

	ck_assert_msg(xr_decode_call(loose[_i].body, strlen(loose[_i].body),
	    &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.method, "m");
	got = dump(c.params);
	ck_assert_str_eq(got, loose[_i].dump);
	free(got);
	xr_call_clear(&c);
}
END_TEST

#define LOL	"<!ENTITY lol \"lol\">"
#define LOLN(n, m) "<!ENTITY lol" #n " \"&lol" #m ";&lol" #m ";&lol" #m \
		";&lol" #m ";&lol" #m ";&lol" #m ";&lol" #m ";&lol" #m ";\">"

static const struct {
	const char	*body;
	const char	*err;
} refused[] = {
	{ "", "no element found" },
	{ "<methodCall>", "no element found" },
	{ "<x/>", "not a <methodCall>" },
	{ "<methodResponse/>", "not a <methodCall>" },
	{ "<methodCall><params/></methodCall>", "no method name" },
	{ "<methodCall><methodName></methodName></methodCall>",
	    "no method name" },
	{ "<?xml version='1.0'?>\n<!DOCTYPE lolz [" LOL
	    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    LOLN(2, 1) LOLN(3, 2) LOLN(4, 3) LOLN(5, 4) LOLN(6, 5)
	    LOLN(7, 6) LOLN(8, 7) LOLN(9, 8) "]>\n<methodCall><methodName>"
	    "&lol9;</methodName></methodCall>", "DOCTYPE not allowed" },
	{ "<!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
	    "<methodCall><methodName>&e;</methodName></methodCall>",
	    "DOCTYPE not allowed" },
	{ "<!DOCTYPE methodCall SYSTEM \"http://example.com/x.dtd\">"
	    "<methodCall><methodName>m</methodName></methodCall>",
	    "DOCTYPE not allowed" },
	{ CALL("<params><param><value>&e;</value></param></params>"),
	    "undefined entity" },
	{ ONE("<value>\001</value>"), "not well-formed" },
	{ "<methodCall><methodName>a</methodName></methodCal>",
	    "mismatched tag" },
	{ ONE("<value><int>9223372036854775808</int></value>"),
	    "bad <int> value '9223372036854775808'" },
	{ ONE("<value><i4>abc</i4></value>"), "bad <i4> value 'abc'" },
	{ ONE("<value><int></int></value>"), "bad <int> value ''" },
	{ ONE("<value><int>1__0</int></value>"), "bad <int>" },
	{ ONE("<value><double>0x10</double></value>"), "bad <double>" },
	{ ONE("<value><double>nan(1)</double></value>"), "bad <double>" },
	{ ONE("<value><base64>a</base64></value>"), "bad <base64> value" },
	{ ONE("<value><string><b/></string></value>"),
	    "unexpected <b> in <string>" },
	{ ONE("<value><int>1</int><int>2</int></value>"),
	    "unexpected <int> in <value>" },
	{ ONE("<value><struct><member><value>1</value></member></struct>"
	    "</value>"), "<member> without a <name>" },
	{ ONE("<value><struct><member><name>k</name></member></struct>"
	    "</value>"), "<member> without a <value>" },
	{ ONE("<value><struct><value/></struct></value>"),
	    "unexpected <value> in <struct>" },
	{ CALL("<params><param></param></params>"),
	    "<param> without a <value>" },
	{ CALL("<params><param><value/><value/></param></params>"),
	    "unexpected <value> in <param>" },
	{ CALL("<params/><params/>"), "unexpected <params> in <methodCall>" },
	{ CALL("<methodName>n</methodName>"),
	    "unexpected <methodName> in <methodCall>" },
	{ CALL("<fault/>"), "unexpected <fault> in <methodCall>" },
};

START_TEST(test_refuses_bad_requests)
{
	struct xr_call	c;
	char		err[128];

	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(xr_decode_call(refused[_i].body,
	    strlen(refused[_i].body), &c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, refused[_i].err) != NULL,
	    "'%s' is not '%s'", err, refused[_i].err);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_ptr_null(c.method);
	ck_assert_ptr_null(c.params);
	xr_call_clear(&c);
}
END_TEST

static char *
cat(char *p, const char *s)
{
	size_t	n = strlen(s);

	memcpy(p, s, n + 1);
	return p + n;
}

/* A request whose one param is n nested arrays (or structs). */
static char *
nested(int n, bool structs)
{
	const char	*open = structs ?
	    "<value><struct><member><name>k</name>" :
	    "<value><array><data>";
	const char	*close = structs ? "</member></struct></value>" :
	    "</data></array></value>";
	size_t		 len = 256 + (size_t)n * (strlen(open) + strlen(close));
	char		*s = malloc(len), *p;
	int		 i;

	if (s == NULL)
		abort();
	p = cat(s, "<methodCall><methodName>m</methodName>"
	    "<params><param>");
	for (i = 0; i < n; i++)
		p = cat(p, open);
	p = cat(p, "<value>x</value>");
	for (i = 0; i < n; i++)
		p = cat(p, close);
	cat(p, "</param></params></methodCall>");
	return s;
}

START_TEST(test_bounds_depth)
{
	struct xr_call	 c;
	char		 err[128], *s;
	int		 structs;

	for (structs = 0; structs < 2; structs++) {
		s = nested(XR_MAXDEPTH, structs);
		ck_assert_msg(xr_decode_call(s, strlen(s), &c, err,
		    sizeof(err)) == 0, "%s", err);
		xr_call_clear(&c);
		free(s);
		s = nested(XR_MAXDEPTH + 1, structs);
		ck_assert_int_eq(xr_decode_call(s, strlen(s), &c, err,
		    sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "too deep"));
		free(s);
		s = nested(100000, structs);
		ck_assert_int_eq(xr_decode_call(s, strlen(s), &c, err,
		    sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "too deep"));
		free(s);
	}
}
END_TEST

static char *
many(int n)
{
	static const char	 item[] = "<value><int>1</int></value>";
	char			*s = malloc(256 + (size_t)n * sizeof(item)), *p;
	int			 i;

	if (s == NULL)
		abort();
	p = cat(s, "<methodCall><methodName>m</methodName>"
	    "<params><param><value><array><data>");
	for (i = 0; i < n; i++)
		p = cat(p, item);
	cat(p, "</data></array></value></param></params></methodCall>");
	return s;
}

START_TEST(test_bounds_values)
{
	struct xr_call	 c;
	char		 err[128], *s;

	/* The array's own <value> counts too. */
	s = many(XR_MAXVALUES - 1);
	ck_assert_msg(xr_decode_call(s, strlen(s), &c, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.params->v[0]->n, XR_MAXVALUES - 1);
	xr_call_clear(&c);
	free(s);
	s = many(XR_MAXVALUES);
	ck_assert_int_eq(xr_decode_call(s, strlen(s), &c, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "too many values: more than 65536");
	free(s);
}
END_TEST

/* getAllProcessInfo of 5000 programs: 75000 values, from our own server. */
START_TEST(test_response_values_unbounded_by_requests_bound)
{
	static const char head[] = "<methodCall><methodName>m</methodName>"
	    "<params>", rhead[] = "<methodResponse><params>";
	struct xr_val	*v;
	bool		 fault;
	char		 err[128], *s, *r;
	size_t		 len;

	s = many(XR_MAXVALUES + 10000);
	len = strlen(s);
	/* The same array, as a response. */
	r = malloc(len + 64);
	ck_assert_ptr_nonnull(r);
	strcpy(r, rhead);
	strcat(r, s + sizeof(head) - 1);
	strcpy(strstr(r, "</params>") + strlen("</params>"),
	    "</methodResponse>");
	ck_assert_msg(xr_decode_response(r, strlen(r), &v, &fault, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, XR_MAXVALUES + 10000);
	xr_val_free(v);
	free(r);
	free(s);
}
END_TEST

#define RESP(p)	"<?xml version='1.0'?>\n<methodResponse>" p \
		"</methodResponse>"

START_TEST(test_refuses_bad_responses)
{
	static const struct { const char *body, *err; } rows[] = {
		{ RESP(""), "no <params> or <fault>" },
		{ RESP("<params></params>"), "0 values" },
		{ RESP("<params><param><value>a</value></param><param>"
		    "<value>b</value></param></params>"), "2 values" },
		{ RESP("<fault><value>x</value></fault>"),
		    "malformed <fault>" },
		{ RESP("<fault><value><struct><member><name>faultCode</name>"
		    "<value>1</value></member><member><name>faultString"
		    "</name><value>x</value></member></struct></value>"
		    "</fault>"), "malformed <fault>" },
		{ RESP("<fault></fault>"), "<fault> without a <value>" },
		{ RESP("<params/><fault/>"),
		    "unexpected <fault> in <methodResponse>" },
		{ RESP("<methodName>m</methodName>"),
		    "unexpected <methodName> in <methodResponse>" },
		{ "<methodCall><methodName>m</methodName></methodCall>",
		    "not a <methodResponse>" },
	};
	struct xr_val	*v;
	char		 err[128];
	bool		 fault;
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ck_assert_int_eq(xr_decode_response(rows[i].body,
		    strlen(rows[i].body), &v, &fault, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, rows[i].err) != NULL,
		    "'%s' is not '%s'", err, rows[i].err);
		ck_assert_ptr_null(v);
	}
}
END_TEST

START_TEST(test_builds_values)
{
	struct xr_val	*s = xr_struct(), *a = xr_array();

	ck_assert_int_eq(xr_push(a, NULL), -1);
	ck_assert_int_eq(xr_push(NULL, xr_int(1)), -1);
	ck_assert_int_eq(xr_push(s, xr_int(1)), -1);
	ck_assert_int_eq(xr_put(a, "k", xr_int(1)), -1);
	ck_assert_int_eq(xr_put(s, "k", xr_int(1)), 0);
	ck_assert_int_eq(xr_put(s, "j", xr_int(2)), 0);
	ck_assert_int_eq(xr_put(s, "k", xr_int(3)), 0);
	/* A repeated name: the last wins, as in Python's dict. */
	ck_assert_int_eq(xr_member(s, "k")->i, 3);
	ck_assert_int_eq(xr_member(s, "j")->i, 2);
	ck_assert_ptr_null(xr_member(s, "x"));
	ck_assert_ptr_null(xr_member(a, "k"));
	ck_assert_ptr_null(xr_member(NULL, "k"));
	ck_assert_int_eq(xr_push(a, s), 0);
	xr_val_free(a);
	xr_val_free(NULL);
}
END_TEST

START_TEST(test_writes_an_empty_answer)
{
	struct xr_out	o;
	struct sink	k;

	out_open(&o, &k, false);
	xr_out_finish(&o);
	ck_assert_str_eq(sink_str(&k), "<?xml version='1.0'?>\n"
	    "<methodResponse>\n<params>\n</params>\n</methodResponse>\n");
	free(k.p);
}
END_TEST

/*
 * A response fed in pieces of k bytes, as a client reads it: 0 or -1,
 * as xr_decode_response.
 */
static int
feed(const char *body, size_t len, size_t k, const char *const *keep,
    struct xr_val **v, bool *fault, char *err, size_t errlen)
{
	struct xr_dec	*d = xr_resp_new(err, errlen);
	size_t		 off, n;
	void		*b;

	ck_assert_ptr_nonnull(d);
	if (keep != NULL)
		xr_resp_keep(d, keep);
	for (off = 0; off < len; off += n) {
		n = len - off < k ? len - off : k;
		if ((b = xr_resp_buf(d, n)) == NULL)
			break;
		memcpy(b, body + off, n);
		xr_resp_feed(d, n);
	}
	return xr_resp_end(d, v, fault);
}

/* A split inside a tag, an entity, a CDATA section, a UTF-8 sequence. */
static const char doc_splits[] =
	    "<?xml version='1.0'?>\n<methodResponse><params><param><value>"
	    "<struct><member><name>k&amp;&#233;</name><value><string>"
	    "&lt;&#x20AC;\342\202\254<![CDATA[<&>]]>\360\237\230\200"
	    "</string></value></member><member><name>n</name><value><i4>"
	    " -42 </i4></value></member><member><value>untyped &gt;</value>"
	    "<name>after</name></member></struct></value></param></params>"
	    "</methodResponse>";

static const char *
piece_doc(int i)
{
	static const char *const more[] = { doc_splits, fault_0, fault_2 };

	return i < NDOCS ? docs[i] : more[i - NDOCS];
}
#define NPIECEDOCS	(NDOCS + 3)

START_TEST(test_reads_answers_in_pieces_of_any_size)
{
	const char	*body = piece_doc(_i);
	struct xr_val	*whole, *v;
	struct xr_out	 o;
	struct sink	 a, b;
	size_t		 len = strlen(body), k;
	char		 err[128];
	bool		 wfault, fault;

	ck_assert_msg(xr_decode_response(body, len, &whole, &wfault, err,
	    sizeof(err)) == 0, "%s", err);
	out_open(&o, &a, true);
	xr_put_val(&o, whole);
	for (k = 1; k <= len; k++) {
		ck_assert_msg(feed(body, len, k, NULL, &v, &fault, err,
		    sizeof(err)) == 0, "pieces of %zu: %s", k, err);
		ck_assert(fault == wfault);
		out_open(&o, &b, true);
		xr_put_val(&o, v);
		ck_assert_str_eq(sink_str(&b), sink_str(&a));
		xr_val_free(v);
		free(b.p);
	}
	xr_val_free(whole);
	free(a.p);
}
END_TEST

/* Bad answers: the same reason whole as byte by byte. */
START_TEST(test_refuses_answers_in_pieces_as_whole)
{
	static const char *const bad[] = {
		"", "<methodResponse>", RESP(""), RESP("<params></params>"),
		RESP("<fault><value>x</value></fault>"),
		RESP("<params><param><value><int>1x</int></value></param>"
		    "</params>"),
		RESP("<params><param><value><base64>a</base64></value>"
		    "</param></params>"),
		RESP("<params><param><value><struct><member><name>k</name>"
		    "</member></struct></value></param></params>"),
		RESP("<params><param><value>&e;</value></param></params>"),
		"<!DOCTYPE m [<!ENTITY e \"x\">]><methodResponse/>",
		"<methodResponse><params></methodResponse>",
	};
	struct xr_val	*v;
	char		 e1[128], e2[128];
	bool		 fault;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(xr_decode_response(bad[i], strlen(bad[i]),
		    &v, &fault, e1, sizeof(e1)), -1);
		ck_assert_int_eq(feed(bad[i], strlen(bad[i]), 1, NULL, &v,
		    &fault, e2, sizeof(e2)), -1);
		ck_assert_ptr_null(v);
		ck_assert_str_eq(e2, e1);
	}
	/* One dropped unfinished: nothing leaks (ASan). */
	xr_resp_free(xr_resp_new(e1, sizeof(e1)));
	xr_resp_free(NULL);
}
END_TEST

/* getAllProcessInfo of n programs, as the daemon writes it. */
static char *
many_infos(int n, size_t *len)
{
	struct xr_val	*a = xr_array();
	struct xr_out	 o;
	struct sink	 k;
	int		 i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(xr_push(a, mk_info()), 0);
	out_open(&o, &k, false);
	xr_put_val(&o, a);
	xr_out_finish(&o);
	xr_val_free(a);
	*len = k.len;
	return k.p;
}

START_TEST(test_reads_a_large_answer_in_pieces)
{
	static const size_t sizes[] = { 65536, 4093, 1 << 20 };
	struct xr_val	*v;
	size_t		 len, i;
	char		*body = many_infos(5000, &len), err[128];
	bool		 fault;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ck_assert_msg(feed(body, len, sizes[i], NULL, &v, &fault, err,
		    sizeof(err)) == 0, "%s", err);
		ck_assert_uint_eq(v->n, 5000);
		ck_assert_str_eq(xr_member(v->v[4999], "description")->s,
		    "pid 1234, uptime 0:01:40");
		ck_assert_int_eq(xr_member(v->v[2500], "pid")->i, 1234);
		xr_val_free(v);
	}
	free(body);
}
END_TEST

START_TEST(test_keeps_only_the_members_asked)
{
	static const char *const keep[] = { "name", "pid", NULL };
	static const char bad_dropped[] = RESP("<params><param><value>"
	    "<struct><member><name>name</name><value>a</value></member>"
	    "<member><name>now</name><value><int>x</int></value></member>"
	    "</struct></value></param></params>");
	struct xr_val	*v;
	size_t		 len, i;
	char		*body = many_infos(3, &len), err[128];
	bool		 fault;

	ck_assert_int_eq(feed(body, len, 7, keep, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(v->n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(v->v[i]->n, 2);
		ck_assert_str_eq(v->v[i]->keys[0], "name");
		ck_assert_str_eq(xr_member(v->v[i], "name")->s, "web");
		ck_assert_int_eq(xr_member(v->v[i], "pid")->i, 1234);
		ck_assert_ptr_null(xr_member(v->v[i], "statename"));
	}
	xr_val_free(v);
	free(body);
	/* A fault is kept whole. */
	ck_assert_int_eq(feed(fault_0, strlen(fault_0), 5, keep, &v, &fault,
	    err, sizeof(err)), 0);
	ck_assert(fault);
	ck_assert_int_eq(xr_member(v, "faultCode")->i, 10);
	xr_val_free(v);
	/* What is dropped is read and checked all the same. */
	ck_assert_int_eq(feed(bad_dropped, strlen(bad_dropped), 3, keep, &v,
	    &fault, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad <int> value 'x'"));
}
END_TEST

/* Decoded containers take more values, freed with them (ASan). */
START_TEST(test_grows_decoded_values)
{
	struct xr_val	*v, *s;
	struct xr_call	 c;
	char		 err[128];
	bool		 fault;
	int		 i;

	ck_assert_int_eq(xr_decode_response(doc_multi, strlen(doc_multi),
	    &v, &fault, err, sizeof(err)), 0);
	s = v->v[1];
	ck_assert_int_eq(s->type, XR_STRUCT);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(xr_put(s, "k", xr_int(i)), 0);
		ck_assert_int_eq(xr_push(v, str("more")), 0);
	}
	ck_assert_int_eq(xr_member(s, "faultCode")->i, 10);
	ck_assert_int_eq(xr_member(s, "k")->i, 19);
	ck_assert_str_eq(v->v[0]->s, "3.0");
	ck_assert_str_eq(v->v[22]->s, "more");
	xr_val_free(v);
	ck_assert_int_eq(xr_decode_call(req_multi, strlen(req_multi), &c, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(xr_push(c.params, xr_int(1)), 0);
	xr_call_clear(&c);
}
END_TEST

#define NROWS(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
xmlrpc_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("xmlrpc");
	tc = tcase_create("xmlrpc");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_writes_as_python, 0, NDOCS);
	tcase_add_loop_test(tc, test_round_trips_answers, 0, NDOCS);
	tcase_add_loop_test(tc, test_writes_double_as_repr, 0,
	    NROWS(dbl_rows));
	tcase_add_test(tc, test_writes_special_doubles);
	tcase_add_loop_test(tc, test_sanitises_text, 0, NROWS(san_rows));
	tcase_add_test(tc, test_joins_sequences_split_between_parts);
	tcase_add_test(tc, test_unfinished_sequence_at_end_is_replaced);
	tcase_add_test(tc, test_writes_faults_as_python);
	tcase_add_test(tc, test_streams_a_multicall_with_a_fault);
	tcase_add_test(tc, test_room_asks_the_consumer);
	tcase_add_test(tc, test_i8_beyond_32_bits);
	tcase_add_loop_test(tc, test_reads_python_requests, 0, NROWS(reqs));
	tcase_add_loop_test(tc, test_reads_loose_forms, 0, NROWS(loose));
	tcase_add_loop_test(tc, test_refuses_bad_requests, 0,
	    NROWS(refused));
	tcase_add_test(tc, test_bounds_depth);
	tcase_add_test(tc, test_bounds_values);
	tcase_add_test(tc, test_response_values_unbounded_by_requests_bound);
	tcase_add_test(tc, test_refuses_bad_responses);
	tcase_add_test(tc, test_builds_values);
	tcase_add_test(tc, test_writes_an_empty_answer);
	tcase_add_loop_test(tc, test_reads_answers_in_pieces_of_any_size, 0,
	    NPIECEDOCS);
	tcase_add_test(tc, test_refuses_answers_in_pieces_as_whole);
	tcase_add_test(tc, test_reads_a_large_answer_in_pieces);
	tcase_add_test(tc, test_keeps_only_the_members_asked);
	tcase_add_test(tc, test_grows_decoded_values);
	suite_add_tcase(s, tc);
	return s;
}
