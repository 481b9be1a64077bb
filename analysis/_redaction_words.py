"""Word lists behind :mod:`analysis.redaction`, kept apart so the rules stay readable.

Words are lower case (callers compare ``word.lower()``), except in
:data:`SCHOOL_KINDS`, which are matched as written.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: Function words: never a name, never part of a street name.
FUNCTION_WORDS = _words(
    """
    a an the and but or nor so yet is isn't isnt was wasn't wasnt are aren't arent were
    weren't werent be been being am has hasn't hasnt had hadn't hadnt have haven't havent
    having does doesn't doesnt did didn't didnt do don't dont doing will won't wont would
    wouldn't wouldnt can can't cant cannot could couldn't couldnt should shouldn't shouldnt
    may might must shall not no yes i i'm im i've ive i'd id i'll me my mine myself we
    we're were we've us our ours ourselves you you're youre you've your yours yourself he
    he's hes him his himself she she's shes her hers herself they they're theyre they've
    them their theirs themselves it it's its itself this that that's thats these those
    there there's theres here who whom whose which what what's whats when where why how
    whoever whatever whenever to of in on at by for with from about into onto upon over
    under up down off out through throughout during before after since until till than
    as if because cos coz cause though although while whilst unless whether like near
    around round across along against among between behind beside besides beyond inside
    outside within without toward towards via per all any some each every both either
    neither none one ones other another such same own much many more most less least few
    lot lots loads several enough only just even also too very really quite rather
    """
)

#: Words that follow a cue ("my social worker ___", "called ___", "thanks ___")
#: but are not names. Checked after the first-name list, so "Will" or "Grace"
#: after a cue is a name only when capitalised in mixed-case text.
COMMON_WORDS = FUNCTION_WORDS | _words(
    """
    never always sometimes often usually rarely hardly barely ever still again now then
    today tonight tomorrow yesterday soon later already once twice almost maybe perhaps
    probably definitely actually basically literally honestly seriously totally tbh idk
    lol omg ok okay k kk yeah yea yep nah nope innit fine well alright right wrong sure
    please pls plz thanks thank thx cheers ta sorry hi hello hey bye x xx xxx
    new old last next first second third previous current former ex other best worst
    good great nice kind lovely amazing brilliant brill awesome fab fantastic excellent
    perfect helpful supportive caring friendly fair strict busy late early bad rubbish
    awful terrible horrible rude mean nasty useless lazy boring annoying funny happy sad
    upset angry cross scared worried safe unsafe ill sick poorly tired young older little
    big small real true honest different important ok-ish better worse nicer there away
    back home here gone done sound decent pants shocking grand bit lovely weird strange
    says said say tells told tell asks asked ask helps helped help listens listened listen
    comes came come goes went go gone gets got get makes made make takes took take gives
    gave give calls called call rings rang ring texts texted text phones phoned phone
    emails emailed email visits visited visit sees saw see seen knows knew know understands
    understood understand cares cared care explains explained explain leaves left leave
    changes changed change keeps kept keep tries tried try wants wanted want needs needed
    need thinks thought think feels felt feel lets let asked looks looked look seems
    seemed seem shouts shouted shout hits hit hurts hurt hurting kicks kicked kick punches
    punched punch slaps slapped slap pushes pushed push grabs grabbed grab touches touched
    touch smacks smacked smack beats beat swears swore swear screams screamed scream
    drinks drank drink smokes smoked smoke lies lied lie steals stole steal threatens
    threatened threaten ignores ignored ignore forgets forgot forget cancels cancelled
    cancel lets talks talked talk speaks spoke speak shows showed show turns turned turn
    works worked work lives lived live stays stayed stay moves moved move brings brought
    bring buys bought buy pays paid pay sends sent send puts put reads read writes wrote
    write sorts sorted sort supports supported support loves loved love likes liked like
    hates hated hate misses missed miss trusts trusted trust believes believed believe
    blames blamed blame picks picked pick drops dropped drop takes runs ran run sits sat
    sit stands stood stand meets met meet wins won win loses lost lose finds found find
    holds held hold hears heard hear means meant mean locks locked lock starves starved
    leaves cries cried cry laughs laughed laugh yells yelled yell shuts shut stops stopped
    stop starts started start helps arrived arrive answered answer replied reply respond
    responded promised promise agreed agree decided decide refused refuse allowed allow
    let's gonna wanna gotta dunno used use uses
    house home flat place room car phone number team office family side boyfriend
    girlfriend partner friend friends mate mates dog cat pet kids kid child children baby
    job money name names address birthday meeting meetings review reviews visit visits
    session sessions appointment appointments plan plans report reports letter letters
    contact contacts time times day days week weeks month months year years weekend
    morning afternoon evening night hour hours minute minutes stuff things thing lot
    assistant manager worker workers boss class lesson lessons subject school college uni
    university work course training hospital police ambulance court judge social services
    service services childline nspcc camhs nhs council gp doctor doctors nurse dentist
    mum mums mam mom mummy dad dads daddy parent parents brother brothers sister sisters
    nan nana nanna gran granny grandma grandad grandpa auntie aunty aunt uncle cousin
    cousins son daughter niece nephew carer carers foster fostering family everyone
    everybody anyone anybody someone somebody noone nobody nothing something anything
    everything all guys people staff person man woman lady lad girl boy men women
    mr mrs ms mx miss dr sir dame prof
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas easter summer
    holidays holiday
    english maths math science history geography art music drama pe re french spanish
    german computing sixth form year years gcse gcses
    anonymous anon unknown
    landline mobile postcode van bike bedroom garden kitchen bathroom puppy kitten horse
    fish food dinner tea breakfast lunch tea pocket clothes bag shoes laptop tablet ipad
    xbox playstation switch tv telly computer wifi internet shift shifts rules rule
    boundaries attitude behaviour temper mood problem problems issue issues fault health
    drugs alcohol drinking smoking grandchildren grandkids step half birth real bio
    neighbour neighbours area street road town city village estate country
    despite except regarding including following concerning overall however therefore
    meanwhile instead plus anyway obviously additionally visitor consultant professional
    lead officer individual practitioner clinician psychiatrist psychologist surgeon
    midwife paramedic specialist key physio therapist counsellor indeed
    """
)

#: Common first names in the UK, across ages. Names that are also ordinary
#: words or places (Will, Grace, Amber, Mark, May, Jack, Florence, Chelsea...)
#: are left out: they are found after a cue, never on their own.
FIRST_NAMES = _words(
    """
    olivia amelia isla ava mia isabella sophia freya emily ella evie elsie charlotte evelyn
    sienna sofia phoebe sophie alice harper matilda emilia maya millie isabelle eva luna
    jessica jess jessie aria scarlett esme chloe ellie imogen lucy hannah lola katie megan
    lauren leah abigail abbie abby bethany beth molly rosie erin eleanor zara aisha ayesha
    layla hallie mila ada thea orla niamh caitlin rebecca becky becca rachel sarah laura
    emma claire nicola gemma kelly lisa michelle joanne jo samantha sam amy jennifer jenny
    natalie stacey leanne kirsty danielle zoe zoë chantelle kayleigh shannon courtney
    jodie amanda julie karen tracy tracey donna debbie deborah sharon susan helen janet
    jackie jacqueline linda wendy pauline mandy angela alison annie mary margaret patricia
    elizabeth liz lizzie beverley bev sandra andrea paula diane denise lesley lynne tina
    teresa theresa catherine kathryn kate katy katherine cath louise vicky hayley kerry
    charlene toni joanna maria marie natasha tasha naomi priya anjali aaliyah fatima
    zainab maryam amina hafsa khadija sana nadia yasmin leila laila alisha amira anya anna
    hanna eliza elise eliana maisie darcy lexi lacey paige kayla kiera keira tia tiana
    aimee harriet heidi lydia gracie rosa clara cora edith mabel nancy ellen rhiannon
    cerys seren ffion sian siân bronwen mairi eilidh kirsten shona fiona ailsa kylie leanna
    jasmine demi jodi lisa-marie melissa nicole sadie tilly tillie zoey gabriella aleksandra
    oliver noah george arthur muhammad mohammed mohammad muhammed leo harry oscar archie
    henry theodore theo freddie freddy charlie finley finn thomas tom tommy alfie lucas
    isaac tyler ethan joshua josh james jacob jake jamie william alexander alex daniel dan
    danny samuel joseph joe benjamin ben teddy ted dylan luke lewis louis logan mason riley
    reuben rory sebastian toby tobias zachary zach harrison hugo elijah jayden kai aiden
    caleb callum cameron connor conor kieran ciaran declan liam ryan sean shaun owen evan
    rhys reece bradley brandon jordan jason kyle kian lee paul peter steven stephen steve
    gary darren wayne craig scott neil ian andrew andy david dave michael mike mick
    christopher chris matthew nathan adam aaron anthony tony richard rick ricky robert
    bobby simon stuart graham keith kevin kev gareth gavin glen glenn jonathan jon john
    johnny jim jimmy kenneth martin nicholas nigel philip phil russell terry tim timothy
    trevor barry brian colin derek dennis eric fred geoff geoffrey gordon harold howard jeff
    jeremy jerome joel jonah jude julian karl carl lenny leon leonardo leonard luca marcus
    mario micah mitchell morgan nico noel oakley ollie patrick paddy ross roger ronnie ron
    ruben sonny stanley spencer taylor tristan troy tyrone vincent warren wesley zak zack
    zac zain zayn ali ahmed ahmad hamza hassan hussain ibrahim imran ismail jamal kamal
    karim khalid mustafa omar osman rayyan usman yusuf yousef adil bilal faisal idris
    junaid rehan rizwan sami samir tariq umar amir amit arjun aryan rohan sanjay vikram
    krish kofi kwame emeka tunde femi tomasz jakub kacper szymon mateusz piotr oskar filip
    dominik marek stefan andrei darius dafydd rhodri gethin iwan ewan euan fraser hamish
    alistair angus calum ashley casey frankie jesse sasha daz gaz baz shaz
    carla carly clare kim leigh lindsey lindsay nina sonia tanya tara vanessa yvonne
    gillian julia sally emily-rose jemma kimberley kathleen maureen irene sheila brenda
    janice lorraine valerie marion jean-paul aidan ashton bailey blake brody cody corey
    dale darryl elliot elliott ellis harvey jaden jenson kayden kenzie lennon lenny
    louie maddox marley nathaniel ronan rowan ruben ryder sidney
    stefan tomas tyrell xavier zachariah aleena alina amelie arabella ariana
    ayla bella-rose bonnie brooke-lynn cara chiara delilah eden-rose elena elina
    evelyn-rose felicity francesca gabrielle georgie hollie inaya isha jemima kacey kaitlyn
    kenzie-leigh lacey-mae leighton lexie liliana maddison madison mariam
    myla nevaeh nyla ophelia peyton remi renee rihanna rosa-lee safiya sara savannah
    sofia-rose tegan tilly-mae whitney
    ann barbara bernadette carole caroline cheryl christine dianne diana dorothy eileen
    elaine frances geraldine gill hilary jayne jen jenni jill joan josephine judith judy
    kath lorna lynda lynn marian marilyn maxine melanie mel moira nicky nicki nikki norma
    pam pamela philippa rachael rita rosemary ruth shirley suzanne suzy sylvia tess tessa
    thelma tricia trish vivienne bryony christy delia fay faye jules gaynor glenda debra
    dionne lucinda miriam monica nadine olwen rhonda roberta selina tamsin verity
    stephanie steph adrian alan allan alastair albert alfred alec bernard bert bruce clive
    cyril damian damien darrell dominic donald doug douglas duncan edwin ernie gerald gerry
    gilbert glyn graeme greg gregory hugh ivan jerry jez kenny lawrence laurence leslie
    lloyd malcolm marc martyn maurice mervyn mickey neville percy pete phillip ralph
    raymond rex rodney roland ronald roy rupert russ sid stan stu terence vernon victor
    vince walter wilf wilfred willie eddie eddy sammy billy
    """
)

#: Words that may sit between "my" and a role: "my new social worker".
ROLE_ADJECTIVES = sorted(_words(
    """
    new old current last previous first former ex lovely foster step little big older
    younger best favourite fave real birth bio half other
    """
))

#: Words that are not part of a street name: "2 close friends", "a 15 minute walk".
NOT_STREET_WORDS = FUNCTION_WORDS | _words(
    """
    minute minutes min mins hour hours hr hrs second seconds day days week weeks month
    months year years mile miles km metre metres foot feet times time people kids children
    friends good close best nice big small little long short quick lovely great different
    other more few several many whole same next last first second third extra bus car
    """
)

#: Words between a school's name and "School": "St Mary's C of E Primary School".
SCHOOL_KINDS = _words(
    """
    Primary Secondary Junior Juniors Infant Infants Grammar Community Catholic Church Free
    Special Prep Preparatory Comprehensive High Middle Nursery Technical CE RC C of E
    """
)

#: People a comment may name: "my ___ Sarah". Regular-expression fragments.
ROLES = [
    r"social\s+workers?", r"sw", r"carers?", r"key\s?workers?", r"support\s+workers?",
    r"youth\s+workers?", r"family\s+support\s+workers?", r"link\s+workers?",
    r"personal\s+advis[eo]rs?", r"pa", r"iro", r"independent\s+reviewing\s+officer",
    r"advocates?", r"mentors?", r"head\s?teachers?", r"teachers?", r"form\s+tutor", r"tutors?",
    r"teaching\s+assistants?", r"ta", r"therapists?", r"counsell?ors?", r"nurses?",
    r"doctors?", r"gp", r"managers?", r"workers?", r"mum", r"mom", r"mam", r"mummy",
    r"mother", r"dad", r"daddy", r"father", r"parents?", r"step\s?(?:mum|dad)",
    r"brothers?", r"sisters?", r"nan", r"nana", r"nanna", r"nanny", r"gran", r"granny",
    r"grandma", r"grandad", r"grandpa", r"grandmother", r"grandfather", r"auntie", r"aunty",
    r"aunt", r"uncle", r"cousins?", r"friends?", r"mates?", r"boyfriend", r"girlfriend",
    r"partner", r"son", r"daughter", r"baby", r"niece", r"nephew", r"coach", r"guardian",
    r"solicitor", r"house\s?parents?",
]

#: First names that are also ordinary words or places. After a cue that leaves
#: no room for an ordinary word ("my friend ___") a capitalised one is a name.
AMBIGUOUS_NAMES = _words(
    """
    will grace hope faith joy amber ruby jade pearl rose lily daisy poppy holly ivy violet
    iris willow hazel heather summer autumn april may june august sky skye river brook
    dawn sue pat bill bob rob rich frank mark nick matt max miles guy ray sandy sunny penny
    dean jack chase hunter reed ash ed al jean carol angel chelsea georgia india paris
    sydney kent devon lincoln austin victoria florence christian eve don kay mo jay kit pip
    lou bella jan
    """
)

#: Common surnames that end like a verb ("Jones", "Hughes"), so that a lower-case
#: "sarah jones" keeps its surname while "sarah listens" keeps its verb.
SURNAMES = _words(
    """
    jones williams davies davis evans thomas roberts edwards hughes lewis harris phillips
    james collins richards adams rogers matthews barnes stevens jenkins andrews saunders
    brooks watts wells francis rees hayes hawkins parsons woods bates burns nicholls curtis
    hopkins watkins chambers willis higgins walters stephens stokes jennings banks peters
    lucas knowles simmons mills owens daly healy reed
    """
)
