"""Name lists for the PHI guard (data only).

GIVEN_NAMES: every first name in the US Census Bureau's 1990 name-frequency files (dist.female.first and
dist.male.first, public domain; taken from the ``names`` 0.3.0 sdist on PyPI, which ships those files), plus a
short hand-written list of common given names from outside the United States.
WORD_NAMES: those names of either list that are also lower-case English words in Debian's
wamerican word list (``will``, ``grace``, ``brown``), so need a stronger cue.
SURNAMES: the 6,000 most frequent surnames of the same census (dist.all.last).
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


GIVEN_NAMES: frozenset[str] = _words(
    """
Aaliyah Aaron Abbey Abbie Abby Abdul Abe Abel Abena Abigail Abraham Abram Ada Adah Adalberto Adaline
Adam Adan Addie Adebayo Adela Adelaida Adelaide Adele Adelia Adelina Adeline Adell Adella Adelle Adena
Adina Adolfo Adolph Adria Adrian Adriana Adriane Adrianna Adrianne Adrien Adriene Adrienne Afton Agatha
Agnes Agnus Agripina Agueda Agustin Agustina Ahmad Ahmed Ai Aida Aide Aiden Aiko Aileen Ailene Aimee
Aisha Aja Akiko Akilah Al Alaina Alaine Alan Alana Alane Alanna Alayna Alba Albert Alberta Albertha
Albertina Albertine Alberto Albina Alda Alden Aldo Alease Alec Alecia Aleen Aleida Aleisha Alejandra
Alejandrina Alejandro Alena Alene Alesha Aleshia Alesia Alessandra Aleta Aletha Alethea Alethia Alex
Alexa Alexander Alexandra Alexandria Alexia Alexis Alfonso Alfonzo Alfred Alfreda Alfredia Alfredo Ali
Alia Alica Alice Alicia Alida Alina Aline Alisa Alise Alisha Alishia Alisia Alison Alissa Alita Alix
Aliza Alla Allan Alleen Allegra Allen Allena Allene Allie Alline Allison Allyn Allyson Alma Almeda
Almeta Alona Alonso Alonzo Alpha Alphonse Alphonso Alta Altagracia Altha Althea Alton Alva Alvaro Alvera
Alverta Alvin Alvina Alyce Alycia Alysa Alyse Alysha Alysia Alyson Alyssa Ama Amada Amado Amal Amalia
Amanda Amber Amberly Ambrose Amee Amelia America Ami Amie Amiee Amina Amira Amit Ammie Amos Amparo Amy
An Ana Anabel Analisa Anamaria Anastacia Anastasia Andera Anderson Andra Andre Andrea Andreas Andree
Andres Andrew Andria Andy Anette Angel Angela Angele Angelena Angeles Angelia Angelic Angelica Angelika
Angelina Angeline Angelique Angelita Angella Angelo Angelyn Angie Angila Angla Angle Anglea Anh Anibal
Anika Anisa Anisha Anissa Anita Anitra Anja Anjali Anjanette Anjelica Ann Anna Annabel Annabell
Annabelle Annalee Annalisa Annamae Annamaria Annamarie Anne Anneliese Annelle Annemarie Annett Annetta
Annette Annice Annie Annika Annis Annita Annmarie Anthony Antione Antionette Antoine Antoinette Anton
Antone Antonetta Antonette Antonia Antonietta Antonina Antonio Antony Antwan Anya Apolonia April Apryl
Ara Araceli Aracelis Aracely Arcelia Archie Ardath Ardelia Ardell Ardella Ardelle Arden Ardis Ardith
Aretha Argelia Argentina Ariana Ariane Arianna Arianne Arica Arie Ariel Arielle Arjun Arla Arlean Arleen
Arlen Arlena Arlene Arletha Arletta Arlette Arlie Arlinda Arline Arlyne Armand Armanda Armandina Armando
Armida Arminda Arnetta Arnette Arnita Arnold Arnoldo Arnulfo Aron Arron Art Arthur Artie Arturo Arvilla
Asa Asha Ashanti Ashely Ashlea Ashlee Ashleigh Ashley Ashli Ashlie Ashly Ashlyn Ashton Asia Asley
Assunta Astrid Asuncion Athena Aubrey Audie Audra Audrea Audrey Audria Audrie Audry August Augusta
Augustina Augustine Augustus Aundrea Aura Aurea Aurelia Aurelio Aurora Aurore Austin Autumn Ava Avelina
Avery Avis Avril Awilda Ayako Ayana Ayanna Ayesha Azalee Azucena Azzie Babara Babette Bailey Bambi Bao
Barabara Barb Barbar Barbara Barbera Barbie Barbra Bari Barney Barrett Barrie Barry Bart Barton Basil
Basilia Bea Beata Beatrice Beatris Beatriz Beau Beaulah Bebe Becki Beckie Becky Bee Belen Belia Belinda
Belkis Bell Bella Belle Belva Ben Benedict Benita Benito Benjamin Bennett Bennie Benny Benton Berenice
Berna Bernadette Bernadine Bernard Bernarda Bernardina Bernardine Bernardo Berneice Bernetta Bernice
Bernie Berniece Bernita Berry Bert Berta Bertha Bertie Bertram Beryl Bess Bessie Beth Bethanie Bethann
Bethany Bethel Betsey Betsy Bette Bettie Bettina Betty Bettyann Bettye Beula Beulah Bev Beverlee
Beverley Beverly Bianca Bibi Bill Billi Billie Billy Billye Birdie Birgit Blaine Blair Blake Blanca
Blanch Blanche Blondell Blossom Blythe Bo Bob Bobbi Bobbie Bobby Bobbye Bobette Bok Bong Bonita Bonnie
Bonny Booker Boris Boyce Boyd Brad Bradford Bradley Bradly Brady Brain Branda Brande Brandee Branden
Brandi Brandie Brandon Brandy Brant Breana Breann Breanna Breanne Bree Brenda Brendan Brendon Brenna
Brent Brenton Bret Brett Brian Briana Brianna Brianne Brice Bridget Bridgett Bridgette Brigette Brigid
Brigida Brigitte Brinda Britany Britney Britni Britt Britta Brittaney Brittani Brittanie Brittany
Britteny Brittney Brittni Brittny Brock Broderick Bronwyn Brook Brooke Brooks Bruce Bruna Brunilda Bruno
Bryan Bryanna Bryant Bryce Brynn Bryon Buck Bud Buddy Buena Buffy Buford Bula Bulah Bunny Burl Burma
Burt Burton Buster Byron Caitlin Caitlyn Calandra Caleb Calista Callie Calvin Camelia Camellia Cameron
Cami Camie Camila Camilla Camille Cammie Cammy Candace Candance Candelaria Candi Candice Candida Candie
Candis Candra Candy Candyce Caprice Cara Caren Carey Cari Caridad Carie Carin Carina Carisa Carissa
Carita Carl Carla Carlee Carleen Carlena Carlene Carletta Carley Carli Carlie Carline Carlita Carlo
Carlos Carlota Carlotta Carlton Carly Carlyn Carma Carman Carmel Carmela Carmelia Carmelina Carmelita
Carmella Carmelo Carmen Carmina Carmine Carmon Carol Carola Carolann Carole Carolee Carolin Carolina
Caroline Caroll Carolyn Carolyne Carolynn Caron Caroyln Carri Carrie Carrol Carroll Carry Carson Carter
Cary Caryl Carylon Caryn Casandra Casey Casie Casimira Cassandra Cassaundra Cassey Cassi Cassidy Cassie
Cassondra Cassy Catalina Catarina Caterina Catharine Catherin Catherina Catherine Cathern Catheryn
Cathey Cathi Cathie Cathleen Cathrine Cathryn Cathy Catina Catrice Catrina Cayla Cecelia Cecil Cecila
Cecile Cecilia Cecille Cecily Cedric Cedrick Celena Celesta Celeste Celestina Celestine Celia Celina
Celinda Celine Celsa Ceola Cesar Chad Chadwick Chae Chan Chana Chance Chanda Chandra Chanel Chanell
Chanelle Chang Chantal Chantay Chante Chantel Chantell Chantelle Chara Charis Charise Charissa Charisse
Charita Charity Charla Charleen Charlena Charlene Charles Charlesetta Charlette Charley Charlie Charline
Charlott Charlotte Charlsie Charlyn Charmain Charmaine Charolette Chas Chase Chasidy Chasity Chassidy
Chastity Chau Chauncey Chaya Chelsea Chelsey Chelsie Cher Chere Cheree Cherelle Cheri Cherie Cherilyn
Cherise Cherish Cherly Cherlyn Cherri Cherrie Cherry Cherryl Chery Cheryl Cheryle Cheryll Chester Chet
Cheyenne Chi Chia Chiamaka Chieko Chin China Chinedu Ching Chiquita Chloe Chong Chris Chrissy Christa
Christal Christeen Christel Christen Christena Christene Christi Christia Christian Christiana
Christiane Christie Christin Christina Christine Christinia Christoper Christopher Christy Chrystal Chu
Chuck Chun Chung Ciara Cicely Ciera Cierra Cinda Cinderella Cindi Cindie Cindy Cinthia Cira Clair Claire
Clara Clare Clarence Claretha Claretta Claribel Clarice Clarinda Clarine Claris Clarisa Clarissa Clarita
Clark Classie Claud Claude Claudette Claudia Claudie Claudine Claudio Clay Clayton Clelia Clemencia
Clement Clemente Clementina Clementine Clemmie Cleo Cleopatra Cleora Cleotilde Cleta Cletus Cleveland
Cliff Clifford Clifton Clint Clinton Clora Clorinda Clotilde Clyde Codi Cody Colby Cole Coleen Coleman
Colene Coletta Colette Colin Colleen Collen Collene Collette Collin Colton Columbus Concepcion
Conception Concetta Concha Conchita Connie Conrad Constance Consuela Consuelo Contessa Cora Coral
Coralee Coralie Corazon Cordelia Cordell Cordia Cordie Coreen Corene Coretta Corey Cori Corie Corina
Corine Corinna Corinne Corliss Cornelia Cornelius Cornell Corrie Corrin Corrina Corrine Corrinne Cortez
Cortney Cory Courtney Coy Craig Creola Cris Criselda Crissy Crista Cristal Cristen Cristi Cristie
Cristin Cristina Cristine Cristobal Cristopher Cristy Cruz Crysta Crystal Crystle Cuc Curt Curtis Cyndi
Cyndy Cynthia Cyril Cyrstal Cyrus Cythia Dacia Dagmar Dagny Dahlia Daina Daine Daisey Daisy Dakota Dale
Dalene Dalia Dalila Dallas Dalton Damaris Damian Damien Damion Damon Dan Dana Danae Dane Danelle Danette
Dani Dania Danial Danica Daniel Daniela Daniele Daniell Daniella Danielle Danika Danille Danilo Danita
Dann Danna Dannette Dannie Dannielle Danny Dante Danuta Danyel Danyell Danyelle Daphine Daphne Dara
Darby Darcel Darcey Darci Darcie Darcy Darell Daren Daria Darin Dario Darius Darla Darleen Darlena
Darlene Darline Darnell Daron Darrel Darrell Darren Darrick Darrin Darron Darryl Darwin Daryl Dave David
Davida Davina Davis Dawn Dawna Dawne Dayle Dayna Daysi DeShawn Deadra Dean Deana Deandra Deandre
Deandrea Deane Deangelo Deann Deanna Deanne Deb Debbi Debbie Debbra Debby Debera Debi Debora Deborah
Debra Debrah Debroah Dede Dedra Dee Deeann Deeanna Deedee Deedra Deena Deepak Deetta Deidra Deidre
Deirdre Deja Del Delaine Delana Delbert Delcie Delena Delfina Delia Delicia Delila Delilah Delinda
Delisa Dell Della Delma Delmar Delmer Delmy Delois Deloise Delora Deloras Delores Deloris Delorse Delpha
Delphia Delphine Delsie Delta Demarcus Demetra Demetria Demetrice Demetrius Dena Denae Deneen Denese
Denice Denis Denise Denisha Denisse Denita Denna Dennis Dennise Denny Denver Denyse Deon Deonna Derek
Derick Derrick Deshawn Desirae Desire Desiree Desmond Despina Dessie Destiny Detra Devin Devon Devona
Devora Devorah Dewayne Dewey Dewitt Dexter Dia Diamond Dian Diana Diane Diann Dianna Dianne Dick Diedra
Diedre Diego Dierdre Digna Dillon Dimple Dina Dinah Dino Dinorah Dion Dione Dionna Dionne Dirk Divina
Dixie Dmitri Dodie Dollie Dolly Dolores Doloris Domenic Domenica Dominga Domingo Dominic Dominica
Dominick Dominique Dominque Domitila Domonique Don Dona Donald Donella Donetta Donette Dong Donita Donn
Donna Donnell Donnetta Donnette Donnie Donny Donovan Donte Donya Dora Dorathy Dorcas Doreatha Doreen
Dorene Doretha Dorethea Doretta Dori Doria Dorian Dorie Dorinda Dorine Doris Dorla Dorotha Dorothea
Dorothy Dorris Dorsey Dortha Dorthea Dorthey Dorthy Dot Dottie Dotty Doug Douglas Douglass Dovie Doyle
Dreama Drema Drew Drucilla Drusilla Duane Dudley Dulce Dulcie Duncan Dung Dusti Dustin Dusty Dwain Dwana
Dwayne Dwight Dyan Dylan Earl Earle Earlean Earleen Earlene Earlie Earline Earnest Earnestine Eartha
Easter Eboni Ebonie Ebony Echo Ed Eda Edda Eddie Eddy Edelmira Eden Edgar Edgardo Edie Edison Edith
Edmond Edmund Edmundo Edna Edra Edris Eduardo Edward Edwardo Edwin Edwina Edyth Edythe Effie Efrain
Efren Ehtel Eileen Eilene Ela Eladia Elaina Elaine Elana Elane Elanor Elayne Elba Elbert Elda Elden
Eldon Eldora Eldridge Eleanor Eleanora Eleanore Elease Elena Elene Eleni Elenor Elenora Elenore Eleonor
Eleonora Eleonore Elfreda Elfrieda Elfriede Eli Elia Eliana Elias Elicia Elida Elidia Elijah Elin Elina
Elinor Elinore Elisa Elisabeth Elise Eliseo Elisha Elissa Eliz Eliza Elizabet Elizabeth Elizbeth
Elizebeth Elke Ella Ellamae Ellan Ellen Ellena Elli Ellie Elliot Elliott Ellis Ellsworth Elly Ellyn Elma
Elmer Elmira Elmo Elna Elnora Elodia Elois Eloisa Eloise Elouise Eloy Elroy Elsa Else Elsie Elsy Elton
Elva Elvera Elvia Elvie Elvin Elvina Elvira Elvis Elwanda Elwood Elyse Elza Ema Emanuel Emeka Emelda
Emelia Emelina Emeline Emely Emerald Emerita Emerson Emery Emiko Emil Emile Emilee Emilia Emilie Emilio
Emily Emma Emmaline Emmanuel Emmett Emmie Emmitt Emmy Emogene Emory Ena Enda Enedina Eneida Enid Enoch
Enola Enrique Enriqueta Epifania Era Erasmo Eric Erica Erich Erick Ericka Erik Erika Erin Erinn Erlene
Erlinda Erline Erma Ermelinda Erminia Erna Ernest Ernestina Ernestine Ernesto Ernie Errol Ervin Erwin
Eryn Esmeralda Esperanza Essie Esta Esteban Estefana Estela Estell Estella Estelle Ester Esther Estrella
Etha Ethan Ethel Ethelene Ethelyn Ethyl Etsuko Etta Ettie Eufemia Eugena Eugene Eugenia Eugenie Eugenio
Eula Eulah Eulalia Eun Euna Eunice Eura Eusebia Eusebio Eustolia Eva Evalyn Evan Evangelina Evangeline
Eve Evelia Evelin Evelina Eveline Evelyn Evelyne Evelynn Everett Everette Evette Evia Evie Evita Evon
Evonne Ewa Exie Ezekiel Ezequiel Ezra Fabian Fabiola Fae Fairy Faith Fallon Fannie Fanny Farah Farrah
Fatima Fatimah Faustina Faustino Fausto Faviola Fawn Fay Faye Fe Federico Felecia Felica Felice Felicia
Felicidad Felicita Felicitas Felipa Felipe Felisa Felisha Felix Felton Ferdinand Fermin Fermina Fern
Fernanda Fernande Fernando Ferne Fidel Fidela Fidelia Filiberto Filomena Fiona Flavia Fleta Fletcher Flo
Flor Flora Florance Florence Florencia Florencio Florene Florentina Florentino Floretta Floria Florida
Florinda Florine Florrie Flossie Floy Floyd Fonda Forest Forrest Foster Fran France Francene Frances
Francesca Francesco Franchesca Francie Francina Francine Francis Francisca Francisco Francoise Frank
Frankie Franklin Franklyn Fransisca Fred Freda Fredda Freddie Freddy Frederic Frederica Frederick
Fredericka Fredia Fredric Fredrick Fredricka Freeda Freeman Freida Frida Frieda Fritz Fumiko Gabriel
Gabriela Gabriele Gabriella Gabrielle Gail Gala Gale Galen Galina Garfield Garland Garnet Garnett Garret
Garrett Garry Garth Gary Gaston Gavin Gay Gaye Gayla Gayle Gaylene Gaylord Gaynell Gaynelle Gearldine
Gema Gemma Gena Genaro Gene Genesis Geneva Genevie Genevieve Genevive Genia Genie Genna Gennie Genny
Genoveva Geoffrey Georgann George Georgeann Georgeanna Georgene Georgetta Georgette Georgia Georgiana
Georgiann Georgianna Georgianne Georgie Georgina Georgine Gerald Geraldine Geraldo Geralyn Gerard
Gerardo Gerda Geri Germaine German Gerri Gerry Gertha Gertie Gertrud Gertrude Gertrudis Gertude
Ghislaine Gia Gianna Gidget Gigi Gil Gilbert Gilberte Gilberto Gilda Gillian Gilma Gina Ginette Ginger
Ginny Gino Giovanna Giovanni Gisela Gisele Giselle Gita Giuseppe Giuseppina Gladis Glady Gladys Glayds
Glen Glenda Glendora Glenn Glenna Glennie Glennis Glinda Gloria Glory Glynda Glynis Golda Golden Goldie
Gonzalo Gordon Grace Gracia Gracie Graciela Grady Graham Graig Grant Granville Grayce Grazyna Greg Gregg
Gregoria Gregorio Gregory Greta Gretchen Gretta Gricelda Grisel Griselda Grover Guadalupe Gudrun
Guillermina Guillermo Gus Gussie Gustavo Guy Gwen Gwenda Gwendolyn Gwenn Gwyn Gwyneth Ha Hae Hai Hailey
Hal Haley Halina Halley Hallie Han Hana Hang Hanh Hank Hanna Hannah Hannelore Hans Harlan Harland Harley
Harmony Harold Harriet Harriett Harriette Harris Harrison Harry Haruto Harvey Hassan Hassie Hattie
Haydee Hayden Hayley Haywood Hazel Heath Heather Hector Hedwig Hedy Hee Heide Heidi Heidy Heike Helaine
Helen Helena Helene Helga Hellen Henrietta Henriette Henry Herb Herbert Heriberto Herlinda Herma Herman
Hermelinda Hermila Hermina Hermine Herminia Herschel Hershel Herta Hertha Hester Hettie Hiedi Hien
Hilaria Hilario Hilary Hilda Hilde Hildegard Hildegarde Hildred Hillary Hilma Hilton Hipolito Hiram
Hiroko Hiroshi Hisako Hoa Hobert Holley Holli Hollie Hollis Holly Homer Honey Hong Hope Horace Horacio
Hortencia Hortense Hortensia Hosea Houston Howard Hoyt Hsiu Hubert Hue Huey Hugh Hugo Hui Hulda Humberto
Hung Hunter Huong Hussein Hwa Hyacinth Hye Hyman Hyo Hyon Hyun Ian Ibrahim Ida Idalia Idell Idella Iesha
Ignacia Ignacio Ike Ila Ilana Ilda Ileana Ileen Ilene Iliana Illa Ilona Ilse Iluminada Ima Imani Imelda
Imogene In Ina India Indira Inell Ines Inez Inga Inge Ingeborg Inger Ingrid Inocencia Iola Iona Ione Ira
Iraida Irena Irene Irina Iris Irish Irma Irmgard Irvin Irving Irwin Isa Isaac Isabel Isabell Isabella
Isabelle Isadora Isaiah Isaias Isaura Isela Isiah Isidra Isidro Isis Ismael Isobel Israel Isreal Issac
Iva Ivan Ivana Ivelisse Ivette Ivey Ivonne Ivory Ivy Izetta Izola Ja Jacalyn Jacelyn Jacinda Jacinta
Jacinto Jack Jackeline Jackelyn Jacki Jackie Jacklyn Jackqueline Jackson Jaclyn Jacob Jacqualine Jacque
Jacquelin Jacqueline Jacquelyn Jacquelyne Jacquelynn Jacques Jacquetta Jacqui Jacquie Jacquiline
Jacquline Jacqulyn Jada Jade Jadwiga Jae Jaime Jaimee Jaimie Jake Jaleesa Jalisa Jama Jamaal Jamal Jamar
Jame Jamee Jamel James Jamey Jami Jamie Jamika Jamila Jamison Jammie Jan Jana Janae Janay Jane Janean
Janee Janeen Janel Janell Janella Janelle Janene Janessa Janet Janeth Janett Janetta Janette Janey Jani
Janice Janie Janiece Janina Janine Janis Janise Janita Jann Janna Jannet Jannette Jannie January Janyce
Jaqueline Jaquelyn Jared Jarod Jarred Jarrett Jarrod Jarvis Jasmin Jasmine Jason Jasper Jaunita Javier
Jay Jayden Jaye Jayme Jaymie Jayna Jayne Jayson Jazmin Jazmine Jc Jean Jeana Jeane Jeanelle Jeanene
Jeanett Jeanetta Jeanette Jeanice Jeanie Jeanine Jeanmarie Jeanna Jeanne Jeannetta Jeannette Jeannie
Jeannine Jed Jeff Jefferey Jefferson Jeffery Jeffie Jeffrey Jeffry Jen Jena Jenae Jene Jenee Jenell
Jenelle Jenette Jeneva Jeni Jenice Jenifer Jeniffer Jenine Jenise Jenna Jennefer Jennell Jennette Jenni
Jennie Jennifer Jenniffer Jennine Jenny Jerald Jeraldine Jeramy Jere Jeremiah Jeremy Jeri Jerica Jerilyn
Jerlene Jermaine Jerold Jerome Jeromy Jerrell Jerri Jerrica Jerrie Jerrod Jerrold Jerry Jesenia Jesica
Jess Jesse Jessenia Jessi Jessia Jessica Jessie Jessika Jestine Jesus Jesusa Jesusita Jetta Jettie Jewel
Jewell Ji Jill Jillian Jim Jimmie Jimmy Jin Jina Jing Jinny Jo Joan Joana Joane Joanie Joann Joanna
Joanne Joannie Joaquin Joaquina Jocelyn Jodee Jodi Jodie Jody Joe Joeann Joel Joella Joelle Joellen
Joesph Joetta Joette Joey Johana Johanna Johanne John Johna Johnathan Johnathon Johnetta Johnette Johnie
Johnna Johnnie Johnny Johnsie Johnson Joi Joie Jolanda Joleen Jolene Jolie Joline Jolyn Jolynn Jon Jona
Jonah Jonas Jonathan Jonathon Jone Jonell Jonelle Jong Joni Jonie Jonna Jonnie Jordan Jordon Jorge Jose
Josef Josefa Josefina Josefine Joselyn Joseph Josephina Josephine Josette Josh Joshua Josiah Josie
Joslyn Jospeh Josphine Josue Jovan Jovita Joy Joya Joyce Joycelyn Joye Juan Juana Juanita Jude Judi
Judie Judith Judson Judy Jule Julee Julene Jules Juli Julia Julian Juliana Juliane Juliann Julianna
Julianne Julie Julieann Julienne Juliet Julieta Julietta Juliette Julio Julissa Julius June Jung Junie
Junior Junita Junko Justa Justin Justina Justine Jutta Ka Kacey Kaci Kacie Kacy Kai Kaila Kaitlin
Kaitlyn Kala Kaleigh Kaley Kali Kallie Kalyn Kam Kamala Kami Kamilah Kandace Kandi Kandice Kandis Kandra
Kandy Kanesha Kanisha Kara Karan Kareem Kareen Karen Karena Karey Kari Karie Karima Karin Karina Karine
Karisa Karissa Karl Karla Karleen Karlene Karly Karlyn Karma Karmen Karol Karole Karoline Karolyn Karon
Karren Karri Karrie Karry Kary Karyl Karyn Kasandra Kasey Kasha Kasi Kasie Kassandra Kassie Katarzyna
Kate Katelin Katelyn Katelynn Katerine Kathaleen Katharina Katharine Katharyn Kathe Katheleen Katherin
Katherina Katherine Kathern Katheryn Kathey Kathi Kathie Kathleen Kathlene Kathline Kathlyn Kathrin
Kathrine Kathryn Kathryne Kathy Kathyrn Kati Katia Katie Katina Katlyn Katrice Katrina Kattie Katy Kavya
Kay Kayce Kaycee Kaye Kayla Kaylee Kayleen Kayleigh Kaylene Kazuko Kecia Keeley Keely Keena Keenan
Keesha Keiko Keila Keira Keisha Keith Keitha Keli Kelle Kellee Kelley Kelli Kellie Kelly Kellye Kelsey
Kelsi Kelsie Kelvin Kemberly Ken Kena Kenda Kendal Kendall Kendra Kendrick Keneth Kenia Kenisha Kenji
Kenna Kenneth Kennith Kenny Kent Kenton Kenya Kenyatta Kenyetta Kera Keren Keri Kermit Kerri Kerrie
Kerry Kerstin Kesha Keshia Keturah Keva Keven Kevin Khadijah Khalid Khalilah Kia Kiana Kiara Kiera
Kiersten Kiesha Kieth Kiley Kim Kimber Kimberely Kimberlee Kimberley Kimberli Kimberlie Kimberly Kimbery
Kimbra Kimi Kimiko Kina Kindra King Kip Kira Kirby Kirk Kirsten Kirstie Kirstin Kisha Kit Kittie Kitty
Kiyoko Kizzie Kizzy Klara Kofi Korey Kori Kortney Kory Kourtney Kraig Kris Krishna Krissy Krista Kristal
Kristan Kristeen Kristel Kristen Kristi Kristian Kristie Kristin Kristina Kristine Kristle Kristofer
Kristopher Kristy Kristyn Krysta Krystal Krysten Krystin Krystina Krystle Krystyna Kum Kurt Kurtis Kwame
Kyla Kyle Kylee Kylie Kym Kymberly Kyoko Kyong Kyra Kyung Lacey Lachelle Laci Lacie Lacresha Lacy Ladawn
Ladonna Lady Lael Lahoma Lai Laila Laine Lajuana Lakeesha Lakeisha Lakendra Lakenya Lakesha Lakeshia
Lakia Lakiesha Lakisha Lakita Lakshmi Lala Lamar Lamonica Lamont Lan Lana Lance Landon Lane Lanell
Lanelle Lanette Lang Lani Lanie Lanita Lannie Lanny Lanora Laquanda Laquita Lara Larae Laraine Laree
Larhonda Larisa Larissa Larita Laronda Larraine Larry Larue Lasandra Lashanda Lashandra Lashaun
Lashaunda Lashawn Lashawna Lashawnda Lashay Lashell Lashon Lashonda Lashunda Lasonya Latanya Latarsha
Latasha Latashia Latesha Latia Laticia Latina Latisha Latonia Latonya Latoria Latosha Latoya Latoyia
Latrice Latricia Latrina Latrisha Launa Laura Lauralee Lauran Laure Laureen Laurel Lauren Laurena
Laurence Laurene Lauretta Laurette Lauri Laurice Laurie Laurinda Laurine Lauryn Lavada Lavelle Lavenia
Lavera Lavern Laverna Laverne Laveta Lavette Lavina Lavinia Lavon Lavona Lavonda Lavone Lavonia Lavonna
Lavonne Lawana Lawanda Lawanna Lawerence Lawrence Layla Layne Lazaro Le Lea Leah Lean Leana Leandra
Leandro Leann Leanna Leanne Leanora Leatha Leatrice Lecia Leda Lee Leeann Leeanna Leeanne Leena Leesa
Leia Leida Leif Leigh Leigha Leighann Leila Leilani Leisa Leisha Lekisha Lela Lelah Leland Lelia Lemuel
Len Lena Lenard Lenita Lenna Lennie Lenny Lenora Lenore Leo Leola Leoma Leon Leona Leonard Leonarda
Leonardo Leone Leonel Leonia Leonida Leonie Leonila Leonor Leonora Leonore Leontine Leopoldo Leora Leota
Lera Leroy Les Lesa Lesha Lesia Leslee Lesley Lesli Leslie Lessie Lester Leta Letha Leticia Letisha
Letitia Lettie Letty Levi Lewis Lexie Lezlie Li Lia Liam Liana Liane Lianne Libbie Libby Liberty Librada
Lida Lidia Lien Lieselotte Ligia Lila Lili Lilia Lilian Liliana Lilla Lilli Lillia Lilliam Lillian
Lilliana Lillie Lilly Lily Lin Lina Lincoln Linda Lindsay Lindsey Lindsy Lindy Linette Ling Linh Linn
Linnea Linnie Lino Linsey Linwood Lionel Lisa Lisabeth Lisandra Lisbeth Lise Lisette Lisha Lissa
Lissette Lita Livia Liz Liza Lizabeth Lizbeth Lizeth Lizette Lizzette Lizzie Lloyd Loan Logan Loida Lois
Loise Lola Lolita Loma Lon Lona Londa Long Loni Lonna Lonnie Lonny Lora Loraine Loralee Lore Lorean
Loree Loreen Lorelei Loren Lorena Lorene Lorenza Lorenzo Loreta Loretta Lorette Lori Loria Loriann Lorie
Lorilee Lorina Lorinda Lorine Loris Lorita Lorna Lorraine Lorretta Lorri Lorriane Lorrie Lorrine Lory
Lottie Lou Louann Louanne Louella Louetta Louie Louis Louisa Louise Loura Lourdes Lourie Louvenia Love
Lovella Lovetta Lovie Lowell Loyce Loyd Lu Luana Luann Luanna Luanne Luba Lucas Luci Lucia Luciana
Luciano Lucie Lucien Lucienne Lucila Lucile Lucilla Lucille Lucina Lucinda Lucio Lucius Lucrecia
Lucretia Lucy Ludie Ludivina Lue Luella Luetta Luigi Luis Luisa Luise Luke Lula Lulu Luna Lupe Lupita
Lura Lurlene Lurline Luther Luvenia Luz Lyda Lydia Lyla Lyle Lyman Lyn Lynda Lyndia Lyndon Lyndsay
Lyndsey Lynell Lynelle Lynetta Lynette Lynn Lynna Lynne Lynnette Lynsey Lynwood Ma Mabel Mabelle Mable
Mac Machelle Macie Mack Mackenzie Macy Madalene Madaline Madalyn Maddie Madelaine Madeleine Madelene
Madeline Madelyn Madge Madie Madison Madlyn Madonna Mae Maegan Mafalda Magali Magaly Magan Magaret Magda
Magdalen Magdalena Magdalene Magen Maggie Magnolia Mahalia Mai Maia Maida Maile Maira Maire Maisha
Maisie Major Majorie Makeda Malcolm Malcom Malena Malia Malik Malika Malinda Malisa Malissa Malka Mallie
Mallory Malorie Malvina Mamie Mammie Man Mana Manda Mandi Mandie Mandy Manie Manual Manuel Manuela Many
Mao Maple Mara Maragaret Maragret Maranda Marc Marcel Marcela Marcelene Marcelina Marceline Marcelino
Marcell Marcella Marcelle Marcellus Marcelo Marcene Marchelle Marci Marcia Marcie Marco Marcos Marcus
Marcy Mardell Maren Marg Margaret Margareta Margarete Margarett Margaretta Margarette Margarita
Margarite Margarito Margart Marge Margene Margeret Margert Margery Marget Margherita Margie Margit Margo
Margorie Margot Margret Margrett Marguerita Marguerite Margurite Margy Marhta Mari Maria Mariah Mariam
Marian Mariana Marianela Mariann Marianna Marianne Mariano Maribel Maribeth Marica Maricela Maricruz
Marie Mariel Mariela Mariella Marielle Marietta Mariette Mariko Marilee Marilou Marilu Marilyn Marilynn
Marin Marina Marinda Marine Mario Marion Maris Marisa Marisela Marisha Marisol Marissa Marita Maritza
Marivel Marjorie Marjory Mark Marketta Markita Markus Marla Marlana Marleen Marlen Marlena Marlene
Marlin Marline Marlo Marlon Marlyn Marlys Marna Marni Marnie Marquerite Marquetta Marquis Marquita
Marquitta Marry Marsha Marshall Marta Marth Martha Marti Martin Martina Martine Marty Marva Marvel
Marvella Marvin Marvis Marx Mary Marya Maryalice Maryam Maryann Maryanna Maryanne Marybelle Marybeth
Maryellen Maryetta Maryjane Maryjo Maryland Marylee Marylin Maryln Marylou Marylouise Marylyn Marylynn
Maryrose Masako Mason Mateo Matha Mathew Mathilda Mathilde Matilda Matilde Matt Matthew Mattie Maud
Maude Maudie Maura Maureen Maurice Mauricio Maurine Maurita Mauro Mavis Max Maxie Maxima Maximina Maximo
Maxine Maxwell May Maya Maybell Maybelle Maye Mayme Maynard Mayola Mayra Mazie Mckenzie Mckinley Meagan
Meaghan Mechelle Meda Mee Meg Megan Meggan Meghan Meghann Mei Mel Melaine Melani Melania Melanie Melany
Melba Melda Melia Melida Melina Melinda Melisa Melissa Melissia Melita Mellie Mellisa Mellissa Melodee
Melodi Melodie Melody Melonie Melony Melva Melvin Melvina Melynda Mendy Mercedes Mercedez Mercy Meredith
Meri Merideth Meridith Merilyn Merissa Merle Merlene Merlin Merlyn Merna Merri Merrie Merrilee Merrill
Merry Mertie Mervin Meryl Meta Mi Mia Mica Micaela Micah Micha Michael Michaela Michaele Michal Michale
Micheal Michel Michele Michelina Micheline Michell Michelle Michiko Mickey Micki Mickie Miesha Migdalia
Mignon Miguel Miguelina Mika Mikaela Mike Mikel Miki Mikki Mila Milagro Milagros Milan Milda Mildred
Miles Milford Milissa Millard Millicent Millie Milly Milo Milton Mimi Min Mina Minda Mindi Mindy Minerva
Ming Minh Minna Minnie Minta Miquel Mira Miranda Mireille Mirella Mireya Miriam Mirian Mirna Mirta
Mirtha Misha Miss Missy Misti Mistie Misty Mitch Mitchel Mitchell Mitsue Mitsuko Mittie Mitzi Mitzie
Miyoko Modesta Modesto Mohamed Mohammad Mohammed Moira Moises Mollie Molly Mona Monet Monica Monika
Monique Monnie Monroe Monserrate Monte Monty Moon Mora Morgan Moriah Morris Morton Mose Moses Moshe
Mozell Mozella Mozelle Muhammad Mui Muoi Muriel Murray My Myesha Myles Myong Myra Myriam Myrl Myrle
Myrna Myron Myrta Myrtice Myrtie Myrtis Myrtle Myung Na Nada Nadene Nadia Nadine Naida Nakesha Nakia
Nakisha Nakita Nam Nan Nana Nancee Nancey Nanci Nancie Nancy Nanette Nannette Nannie Naoma Naomi
Napoleon Narcisa Natacha Natalia Natalie Natalya Natasha Natashia Nathalie Nathan Nathanael Nathanial
Nathaniel Natisha Natividad Natosha Neal Necole Ned Neda Nedra Neely Neha Neida Neil Nelda Nelia Nelida
Nell Nella Nelle Nellie Nelly Nelson Nena Nenita Neoma Neomi Nereida Nerissa Nery Nestor Neta Nettie
Neva Nevada Neville Newton Nga Ngan Ngoc Ngozi Nguyet Nia Nichelle Nichol Nicholas Nichole Nicholle Nick
Nicki Nickie Nickolas Nickole Nicky Nicol Nicola Nicolas Nicolasa Nicole Nicolette Nicolle Nida Nidia
Niesha Nieves Nigel Niki Nikia Nikita Nikki Nikole Nila Nilda Nilsa Nina Ninfa Nisha Nita Nkechi Noah
Noble Nobuko Noe Noel Noelia Noella Noelle Noemi Nohemi Nola Nolan Noma Nona Noor Nora Norah Norbert
Norberto Noreen Norene Noriko Norine Norma Norman Normand Norris Nova Novella Nu Nubia Numbers Nydia
Nyla Obdulia Ocie Octavia Octavio Oda Odelia Odell Odessa Odette Odilia Odis Ofelia Ok Ola Olen Olene
Oleta Olevia Olga Olimpia Olin Olinda Oliva Olive Oliver Olivia Ollie Oluwaseun Olympia Oma Omar Omega
Omer Ona Oneida Onie Onita Opal Ophelia Ora Oralee Oralia Oren Oretha Orlando Orpha Orval Orville Oscar
Ossie Osvaldo Oswaldo Otelia Otha Otilia Otis Otto Ouida Owen Ozell Ozella Ozie Pa Pablo Page Paige
Palma Palmer Palmira Pam Pamala Pamela Pamelia Pamella Pamila Pamula Pandora Pansy Paola Paris Parker
Parthenia Particia Pasquale Pasty Pat Patience Patria Patrica Patrice Patricia Patrick Patrina Patsy
Patti Pattie Patty Paul Paula Paulene Pauletta Paulette Paulina Pauline Paulita Paz Pearl Pearle
Pearlene Pearlie Pearline Pearly Pedro Peg Peggie Peggy Pei Penelope Penney Penni Pennie Penny Percy
Perla Perry Pete Peter Petra Petrina Petronila Phebe Phil Philip Phillip Phillis Philomena Phoebe Phung
Phuong Phylicia Phylis Phyliss Phyllis Pia Piedad Pierre Pilar Ping Pinkie Piotr Piper Pok Polly Pooja
Porfirio Porsche Porsha Porter Portia Precious Preston Pricilla Prince Princess Priscila Priscilla Priya
Providencia Prudence Pura Qiana Queen Queenie Quentin Quiana Quincy Quinn Quintin Quinton Quyen Rachael
Rachal Racheal Rachel Rachele Rachell Rachelle Racquel Rae Raeann Raelene Rafael Rafaela Raguel Rahul
Raina Raisa Raleigh Ralph Ramiro Ramon Ramona Ramonita Rana Ranae Randa Randal Randall Randee Randell
Randi Randolph Randy Ranee Raphael Raquel Rashad Rasheeda Rashida Raul Raven Ravi Ray Raye Rayford
Raylene Raymon Raymond Raymonde Raymundo Rayna Rea Reagan Reanna Reatha Reba Rebbeca Rebbecca Rebeca
Rebecca Rebecka Rebekah Reda Reed Reena Refugia Refugio Regan Regena Regenia Reggie Regina Reginald
Regine Reginia Reid Reiko Reina Reinaldo Reita Rema Remedios Remona Rena Renae Renaldo Renata Renate
Renato Renay Renda Rene Renea Renee Renetta Renita Renna Ressie Reta Retha Retta Reuben Reva Rex Rey
Reyes Reyna Reynalda Reynaldo Rhea Rheba Rhett Rhiannon Rhoda Rhona Rhonda Ria Ricarda Ricardo Rich
Richard Richelle Richie Rick Rickey Ricki Rickie Ricky Rico Rigoberto Rikki Riley Rima Rina Risa Rita
Riva Rivka Rob Robbi Robbie Robbin Robby Robbyn Robena Robert Roberta Roberto Robin Robt Robyn Rocco
Rochel Rochell Rochelle Rocio Rocky Rod Roderick Rodger Rodney Rodolfo Rodrick Rodrigo Rogelio Roger
Rohan Roland Rolanda Rolande Rolando Rolf Rolland Roma Romaine Roman Romana Romelia Romeo Romona Ron
Rona Ronald Ronda Roni Ronna Ronni Ronnie Ronny Roosevelt Rory Rosa Rosalba Rosalee Rosalia Rosalie
Rosalina Rosalind Rosalinda Rosaline Rosalva Rosalyn Rosamaria Rosamond Rosana Rosann Rosanna Rosanne
Rosaria Rosario Rosaura Roscoe Rose Roseann Roseanna Roseanne Roselee Roselia Roseline Rosella Roselle
Roselyn Rosemarie Rosemary Rosena Rosenda Rosendo Rosetta Rosette Rosia Rosie Rosina Rosio Rosita Roslyn
Ross Rossana Rossie Rosy Rowena Roxana Roxane Roxann Roxanna Roxanne Roxie Roxy Roy Royal Royce Rozanne
Rozella Ruben Rubi Rubie Rubin Ruby Rubye Rudolf Rudolph Rudy Rueben Rufina Rufus Rupert Russ Russel
Russell Rusty Ruth Rutha Ruthann Ruthanne Ruthe Ruthie Ryan Ryann Sabina Sabine Sabra Sabrina Sacha
Sachiko Sade Sadie Sadye Sage Sakura Sal Salena Salina Salley Sallie Sally Salome Salvador Salvatore Sam
Samantha Samara Samatha Samella Samira Sammie Sammy Samual Samuel Sana Sanda Sandee Sandi Sandie Sandra
Sandy Sanford Sang Sanjay Sanjuana Sanjuanita Sanora Santa Santana Santiago Santina Santo Santos Sara
Sarah Sarai Saran Sari Sarina Sarita Sasha Saturnina Sau Saul Saundra Savanna Savannah Scarlet Scarlett
Scot Scott Scottie Scotty Sean Season Sebastian Sebrina See Seema Selena Selene Selina Selma Sena
Senaida September Serafina Serena Sergei Sergio Serina Serita Seth Setsuko Seymour Sha Shad Shae Shaina
Shakia Shakira Shakita Shala Shalanda Shalon Shalonda Shameka Shamika Shan Shana Shanae Shanda Shandi
Shandra Shane Shaneka Shanel Shanell Shanelle Shani Shanice Shanika Shaniqua Shanita Shanna Shannan
Shannon Shanon Shanta Shantae Shantay Shante Shantel Shantell Shantelle Shanti Shaquana Shaquita Shara
Sharan Sharda Sharee Sharell Sharen Shari Sharice Sharie Sharika Sharilyn Sharita Sharla Sharleen
Sharlene Sharmaine Sharolyn Sharon Sharonda Sharri Sharron Sharyl Sharyn Shasta Shaun Shauna Shaunda
Shaunna Shaunta Shaunte Shavon Shavonda Shavonne Shawana Shawanda Shawanna Shawn Shawna Shawnda Shawnee
Shawnna Shawnta Shay Shayla Shayna Shayne Shea Sheba Sheena Sheila Sheilah Shela Shelba Shelby Sheldon
Shelia Shella Shelley Shelli Shellie Shelly Shelton Shemeka Shemika Shena Shenika Shenita Shenna Shera
Sheree Sherell Sheri Sherice Sheridan Sherie Sherika Sherill Sherilyn Sherise Sherita Sherlene Sherley
Sherly Sherlyn Sherman Sheron Sherrell Sherri Sherrie Sherril Sherrill Sherron Sherry Sherryl Sherwood
Shery Sheryl Sheryll Shiela Shila Shiloh Shin Shira Shirely Shirl Shirlee Shirleen Shirlene Shirley
Shirly Shizue Shizuko Shon Shona Shonda Shondra Shonna Shonta Shoshana Shu Shyla Sibyl Sid Sidney Sierra
Signe Sigrid Silas Silva Silvana Silvia Sima Simon Simona Simone Simonne Sina Sindy Siobhan Sirena Siu
Sixta Skye Slyvia So Socorro Sofia Soila Sol Solange Soledad Solomon Somer Sommer Son Sona Sondra Song
Sonia Sonja Sonny Sonya Soo Sook Soon Sophia Sophie Soraya Sparkle Spencer Spring Stacee Stacey Staci
Stacia Stacie Stacy Stan Stanford Stanley Stanton Star Starla Starr Stasia Stefan Stefani Stefania
Stefanie Stefany Steffanie Stella Stepanie Stephaine Stephan Stephane Stephani Stephania Stephanie
Stephany Stephen Stephenie Stephine Stephnie Sterling Steve Steven Stevie Stewart Stormy Stuart Su
Suanne Sudie Sue Sueann Suellen Suk Sulema Sumiko Summer Sun Sunday Sung Sunita Sunni Sunny Sunshine
Susan Susana Susann Susanna Susannah Susanne Susie Susy Suzan Suzann Suzanna Suzanne Suzette Suzi Suzie
Suzy Svetlana Sybil Syble Sydney Sylvester Sylvia Sylvie Synthia Syreeta Ta Tabatha Tabetha Tabitha Tad
Tai Taina Taisha Tajuana Takako Takisha Talia Talisha Talitha Tam Tama Tamala Tamar Tamara Tamatha
Tambra Tameika Tameka Tamekia Tamela Tamera Tamesha Tami Tamica Tamie Tamika Tamiko Tamisha Tammara
Tammera Tammi Tammie Tammy Tamra Tana Tandra Tandy Taneka Tanesha Tangela Tania Tanika Tanisha Tanja
Tanna Tanner Tanya Tara Tarah Taren Tari Tarra Tarsha Taryn Tasha Tashia Tashina Tasia Tatiana Tatum
Tatyana Taunya Tawana Tawanda Tawanna Tawna Tawny Tawnya Taylor Tayna Ted Teddy Teena Tegan Teisha Telma
Temeka Temika Tempie Temple Tena Tenesha Tenisha Tennie Tennille Teodora Teodoro Teofila Tequila Tera
Tereasa Terence Teresa Terese Teresia Teresita Teressa Teri Terica Terina Terisa Terra Terrance Terrell
Terrence Terresa Terri Terrie Terrilyn Terry Tesha Tess Tessa Tessie Thad Thaddeus Thalia Thanh Thao
Thea Theda Thelma Theo Theodora Theodore Theola Theresa Therese Theresia Theressa Theron Thersa Thi
Thomas Thomasena Thomasina Thomasine Thora Thresa Thu Thurman Thuy Tia Tiana Tianna Tiara Tien Tiera
Tierra Tiesha Tifany Tiffaney Tiffani Tiffanie Tiffany Tiffiny Tijuana Tilda Tillie Tim Timika Timmy
Timothy Tina Tinisha Tiny Tisa Tish Tisha Titus Tobi Tobias Tobie Toby Toccara Tod Todd Toi Tom Tomas
Tomasa Tomeka Tomi Tomika Tomiko Tommie Tommy Tommye Tomoko Tona Tonda Tonette Toney Toni Tonia Tonie
Tonisha Tonita Tonja Tony Tonya Tora Tori Torie Torri Torrie Tory Tosha Toshia Toshiko Tova Towanda Toya
Tracee Tracey Traci Tracie Tracy Tran Trang Travis Treasa Treena Trena Trent Trenton Tresa Tressa
Tressie Treva Trevor Trey Tricia Trina Trinh Trinidad Trinity Trish Trisha Trista Tristan Troy Trudi
Trudie Trudy Trula Truman Tu Tuan Tula Tunde Tuyet Twana Twanda Twanna Twila Twyla Ty Tyesha Tyisha
Tyler Tynisha Tyra Tyree Tyrell Tyron Tyrone Tyson Ula Ulrike Ulysses Un Una Ursula Usha Ute Vada Val
Valarie Valda Valencia Valene Valentin Valentina Valentine Valeri Valeria Valerie Valery Vallie Valorie
Valrie Van Vance Vanda Vanesa Vanessa Vanetta Vania Vanita Vanna Vannesa Vannessa Vashti Vasiliki Vaughn
Veda Velda Velia Vella Velma Velva Velvet Vena Venessa Venetta Venice Venita Vennie Venus Veola Vera
Verda Verdell Verdie Verena Vergie Verla Verlene Verlie Verline Vern Verna Vernell Vernetta Vernia
Vernice Vernie Vernita Vernon Verona Veronica Veronika Veronique Versie Vertie Vesta Veta Vi Vicenta
Vicente Vickey Vicki Vickie Vicky Victor Victoria Victorina Vida Viki Vikki Vikram Vilma Vina Vince
Vincent Vincenza Vincenzo Vinita Vinnie Viola Violet Violeta Violette Virgen Virgie Virgil Virgilio
Virgina Virginia Vita Vito Viva Vivan Vivian Viviana Vivien Vivienne Von Voncile Vonda Vonnie Wade Wai
Waldo Walker Wallace Wally Walter Walton Waltraud Wan Wanda Waneta Wanetta Wanita Ward Warner Warren
Wava Waylon Wayne Wei Weldon Wen Wendell Wendi Wendie Wendolyn Wendy Wenona Werner Wes Wesley Weston
Whitley Whitney Wilber Wilbert Wilbur Wilburn Wilda Wiley Wilford Wilfred Wilfredo Wilhelmina Wilhemina
Will Willa Willard Willena Willene Willetta Willette Willia William Williams Willian Willie Williemae
Willis Willodean Willow Willy Wilma Wilmer Wilson Wilton Windy Winford Winfred Winifred Winnie Winnifred
Winona Winston Winter Wm Wonda Woodrow Wyatt Wynell Wynona Xavier Xenia Xiao Ximena Xiomara Xochitl Xuan
Yadira Yaeko Yael Yahaira Yajaira Yan Yang Yanira Yasmin Yasmine Yasuko Yee Yelena Yen Yer Yesenia
Yessenia Yetta Yevette Yi Ying Yoko Yolanda Yolande Yolando Yolonda Yon Yong Yoshie Yoshiko Youlanda
Young Yu Yuette Yuk Yuki Yukiko Yuko Yulanda Yun Yung Yuonne Yuri Yuriko Yusuf Yvette Yvone Yvonne
Zachariah Zachary Zachery Zack Zackary Zada Zaida Zainab Zana Zandra Zane Zelda Zella Zelma Zena Zenaida
Zenia Zenobia Zetta Zina Zita Zoe Zofia Zoila Zola Zona Zonia Zora Zoraida Zula Zulema Zulma
"""
)

SURNAMES: frozenset[str] = _words(
    """
Aaron Abbott Abdullah Abel Abell Abercrombie Abernathy Abeyta Ables Abner Abney Abraham Abram Abrams
Abramson Abreu Acevedo Acker Ackerman Ackley Acosta Acree Acuna Adair Adam Adame Adams Adamson Adcock
Addison Adkins Adler Adorno Adrian Agee Agnew Aguayo Aguiar Aguilar Aguilera Aguirre Ahern Ahmad Ahmed
Ahn Ahrens Aiello Aiken Aikens Ainsworth Akers Akin Akins Alaniz Alarcon Alba Albanese Albers Albert
Alberts Albertson Albrecht Albright Albritton Alcala Alcantar Alcaraz Alcorn Alderman Alderson Aldrich
Aldridge Alejandro Aleman Alexander Alfaro Alfonso Alford Alfred Alger Ali Alicea Allan Allard Allen
Alley Alleyne Allgood Allison Allman Allred Almanza Almaraz Almeida Almond Almonte Alonso Alonzo Alston
Altman Alton Alvarado Alvarez Alves Amador Amaral Amato Amaya Ambriz Ambrose Amerson Ames Ammons Amos
Amundson Anaya Anders Andersen Anderson Anderton Andrade Andre Andres Andrew Andrews Andrus Angel
Angeles Angell Angelo Angle Anglin Anguiano Angulo Annis Anthony Antoine Antonio Apodaca Aponte Appel
Apple Appleby Applegate Appleton Applewhite Aquino Aragon Aranda Araujo Arbogast Arce Archer Archibald
Archie Archuleta Ard Ardoin Arellano Arevalo Arias Armendariz Armenta Armijo Armour Armstead Armstrong
Arndt Arnett Arnold Arredondo Arreola Arriaga Arrington Arriola Arroyo Arsenault Arteaga Arthur Artis
Asbury Ash Ashby Ashcraft Ashe Asher Ashford Ashley Ashmore Ashton Ashworth Askew Atchison Atchley
Atherton Atkins Atkinson Atwell Atwood Aucoin Auger August Augustine Ault Austin Autry Avalos Avant
Avery Avila Aviles Ayala Aycock Ayers Ayres Azevedo Babb Babbitt Babcock Baber Babin Baca Bach Bachman
Back Backus Bacon Bader Badger Badillo Baer Baez Baeza Bagby Baggett Bagley Bagwell Bahr Bailey Bain
Baines Bair Baird Baker Balderas Baldridge Baldwin Bales Ball Ballard Ballesteros Ballew Ballinger
Ballou Bancroft Banda Bandy Bane Banks Bankston Banner Bannister Banta Banuelos Baptiste Barajas Baran
Barba Barbee Barber Barbosa Barbour Barclay Bard Barden Barela Barfield Barger Barham Barker Barkley
Barksdale Barlow Barnard Barner Barnes Barnett Barnette Barney Barnhart Barnhill Barnum Barnwell Baron
Barone Barr Barragan Barraza Barrera Barreto Barrett Barrientos Barringer Barrios Barron Barrow Barrows
Barry Bartels Barth Bartholomew Bartlett Bartley Barton Bartz Basham Basile Baskin Bass Bassett Bastian
Batchelder Batchelor Bateman Bates Batista Batiste Batson Battaglia Batten Battle Battles Batts Bauer
Baugh Baughman Baum Bauman Baumann Baumgardner Baumgartner Bautista Baxley Baxter Bay Bayer Bayless
Baylor Bayne Bays Beach Beal Beale Beall Beals Beam Beaman Beamon Bean Beane Bear Beard Bearden
Beardsley Beasley Beattie Beatty Beaty Beauchamp Beaudoin Beaudry Beaulieu Beauregard Beaver Beavers
Becerra Bechtel Beck Becker Beckett Beckham Beckman Beckwith Becnel Bedard Bedell Bedford Beebe Beeler
Beeman Beer Beers Beeson Begay Begley Behrens Belanger Belcher Belk Bell Bellamy Bellinger Bello Belt
Belton Beltran Bemis Benally Benavides Benavidez Bender Benedict Benefield Benford Benge Benham Benitez
Benjamin Benner Bennett Benoit Benson Bentley Benton Bentz Berg Bergen Berger Bergeron Bergman Bergstrom
Berlin Berman Bermudez Bernal Bernard Berndt Bernhardt Bernier Bernstein Berrios Berry Berryman Bertram
Bertrand Berube Bess Best Betancourt Bethea Bethel Bettencourt Bettis Betts Betz Beverly Bevins Bey
Beyer Bianchi Bianco Bias Bible Bickel Bickford Biddle Bierman Bigelow Biggs Bigham Billings Billingsley
Billiot Bills Billups Bilodeau Binder Bingham Binkley Birch Bird Birdsong Birmingham Bischoff Bishop
Bisson Bissonnette Bittner Bivens Bivins Bixler Black Blackburn Blackman Blackmon Blackwell Blackwood
Blaine Blair Blais Blake Blakely Blalock Blanchard Blanchette Blanco Bland Blank Blankenship Blanks
Blanton Blaylock Bledsoe Blessing Blevins Bliss Block Blocker Blodgett Blood Bloom Bloomfield Blount
Blow Blue Blum Blume Blunt Bly Blythe Boardman Boatman Boatright Boatwright Bobbitt Bobo Bock Bode Boehm
Boettcher Bogan Boggs Bogle Bohannon Bohn Boisvert Boland Bolden Bolduc Bolen Boles Bolin Boling Bolling
Bollinger Bolt Bolton Bond Bonds Bone Bonham Bonilla Bonner Bonney Booher Book Booker Boone Booth Boothe
Bordelon Borden Borders Boren Borg Borges Born Borrego Bosley Boss Bost Bostic Bostick Boston Bostwick
Boswell Bosworth Botello Bottoms Botts Bouchard Boucher Boudreau Boudreaux Bounds Bourgeois Bourne
Bourque Boutwell Bove Bowden Bowe Bowen Bowens Bower Bowers Bowie Bowler Bowles Bowlin Bowling Bowman
Bowser Box Boyce Boyd Boyer Boyett Boyette Boykin Boykins Boylan Boyle Boyles Boynton Bozeman Brace
Bracken Brackett Bracy Bradbury Braden Bradford Bradley Bradshaw Brady Bragg Braithwaite Brake Bramlett
Branch Brand Brandenburg Brandon Brandt Branham Brann Brannan Brannon Branson Brant Brantley Brasher
Braswell Bratcher Bratton Braun Bravo Braxton Bray Brazil Breaux Breckenridge Breeden Breeding Breedlove
Breen Brehm Breland Brennan Brenner Brent Breton Brett Breunig Brewer Brewington Brewster Brice Bricker
Bridge Bridges Briggs Brigham Bright Briley Brill Brim Brink Brinkley Brinkman Brinson Briones Briscoe
Briseno Bristol Bristow Brito Britt Brittain Britton Broadnax Broadway Brock Brockman Broderick Brodie
Brody Brogan Bromley Bronson Brook Brookins Brooks Brookshire Broome Brothers Brotherton Broughton
Broussard Browder Brower Brown Browne Brownell Browning Brownlee Broyles Brubaker Bruce Brumfield
Brumley Brummett Brunelle Bruner Brunner Bruno Bruns Brunson Brush Bruton Bryan Bryant Bryson Buchanan
Bucher Buchholz Buck Buckingham Buckley Buckman Buckner Budd Buehler Buell Bueno Buffington Buford Bugg
Bui Buie Bull Bullard Bullock Bumgarner Bunch Bundy Bunker Bunn Bunnell Bunting Burbank Burch Burchett
Burchfield Burden Burdett Burdette Burdick Burford Burge Burger Burgess Burgett Burgos Burk Burke
Burkett Burkhardt Burkhart Burkholder Burks Burleson Burley Burnett Burnette Burney Burnham Burns
Burnside Burr Burrell Burris Burroughs Burrow Burrows Burrus Burt Burton Burwell Busby Busch Bush Bushey
Buss Bussell Bussey Bustamante Bustos Butcher Butler Butt Butterfield Button Butts Buxton Byars Byers
Byler Bynum Byrd Byrne Byrnes Byron Caballero Caban Cable Cabral Cabrera Cade Cadena Cady Cage Cagle
Cahill Cain Calabrese Calder Calderon Caldwell Calhoun Calkins Call Callaghan Callahan Callaway
Callender Callis Calloway Calvert Calvin Camacho Camara Camarillo Cambell Cameron Camp Campbell Campos
Canada Canady Canales Candelaria Canfield Cannon Cano Canter Cantrell Cantu Cantwell Canty Capers Capps
Caputo Caraballo Caraway Carbajal Carbone Card Carden Cardenas Carder Cardona Cardoza Cardwell Carey
Cargill Carl Carlin Carlisle Carlos Carlson Carlton Carmack Carman Carmichael Carmona Carnahan Carnes
Carney Caro Caron Carothers Carpenter Carper Carr Carranza Carrasco Carrasquillo Carraway Carrell
Carreon Carrera Carrico Carrier Carrigan Carrillo Carrington Carrion Carroll Carson Carswell Carter
Cartwright Carty Caruso Caruthers Carvalho Carver Cary Casanova Casarez Casas Case Casey Cash Cashman
Casillas Caskey Cason Casper Cass Cassell Cassidy Castaneda Casteel Castellano Castellanos Castillo
Castle Castleberry Casto Castor Castro Caswell Catalano Cate Cates Cathey Catlett Cato Caton Catron
Caudill Caudle Causey Cavanaugh Cavazos Cave Cazares Ceballos Cecil Ceja Centeno Cepeda Cerda Cervantes
Cha Chacon Chadwick Chaffin Chafin Chaisson Chalmers Chamberlain Chamberlin Chambers Chambliss Champagne
Champion Chan Chance Chancellor Chandler Chaney Chang Chao Chapa Chapin Chaplin Chapman Chappell Charles
Charlton Charron Chase Chasse Chastain Chatman Chau Chavarria Chaves Chavez Chavis Cheatham Cheek Chen
Chenault Cheney Cheng Cherry Chesser Chester Chestnut Cheung Chevalier Chew Chick Child Childers
Childress Childs Chiles Chilton Chin Ching Chinn Chisholm Chism Chisolm Chitwood Chiu Cho Choate Choe
Choi Chong Chow Chrisman Christ Christensen Christenson Christian Christiansen Christianson Christie
Christman Christmas Christopher Christopherso Christy Chu Chun Chung Church Churchill Cintron Cisco
Cisneros Clancy Clanton Clapp Clapper Clark Clarke Clarkson Clary Claudio Clausen Clawson Clay Clayton
Cleary Clegg Clem Clemens Clement Clemente Clements Clemmons Clemons Cleveland Clevenger Click Clifford
Clifton Cline Clinton Close Cloud Clough Clouse Cloutier Coakley Coates Coats Cobb Cobbs Coble Coburn
Cochran Cochrane Cockrell Cody Coe Cofer Coffee Coffey Coffin Coffman Cofield Coggins Cohen Cohn Coker
Colbert Colburn Colby Cole Coleman Coles Coley Collado Collazo Collett Collette Colley Collier Collins
Colon Colson Colston Colton Colunga Colvin Colwell Combs Comeau Comeaux Comer Compton Comstock Conaway
Concepcion Condon Cone Coney Conger Conklin Conley Conlon Conn Connell Connelly Conner Conners Connolly
Connor Connors Conover Conrad Conroy Conte Conti Contreras Conway Conyers Cook Cooke Cooks Cooksey
Cooley Coombs Coon Cooney Coons Cooper Cope Copeland Copley Coppola Corbett Corbin Corbitt Corcoran
Cordell Corder Cordero Cordova Corey Corley Corliss Cormier Cornejo Cornelius Cornell Cornett Cornish
Cornwell Corona Coronado Corral Correa Correia Correll Corrigan Cortes Cortez Corwin Cory Cosby Cosgrove
Cosme Costa Costello Cota Cote Cothran Cotten Cotter Cottle Cotto Cotton Cottrell Couch Coughlin Coulter
Council Counts Courtney Cousins Couture Covarrubias Covert Covey Covington Cowan Coward Cowart Cowell
Cowen Cowles Cowley Cox Coy Coyle Coyne Crabb Crabtree Craddock Craft Craig Crain Cramer Crandall
Crandell Crane Cranford Craven Crawford Crawley Crayton Creamer Creech Creed Creel Creighton Crenshaw
Crespo Cress Crews Crider Crisp Criss Crist Criswell Crites Crittenden Crocker Crockett Croft Cromer
Cromwell Cronin Crook Crooks Croom Crosby Cross Crossman Croteau Crouch Crouse Crow Crowder Crowe
Crowell Crowley Croy Crum Crump Crumpton Cruse Crutcher Crutchfield Cruz Cuellar Cuevas Culbertson
Cullen Culp Culpepper Culver Cummings Cummins Cundiff Cunningham Cupp Cureton Curiel Curley Curran
Currie Currier Curry Curtin Curtis Cushing Cushman Custer Cutler Cyr Dabbs Dabney Dacosta Daggett
Dagostino Dahl Daigle Dailey Daily Dale Daley Dallas Dalrymple Dalton Daly Dame Damico Damon Damron
Dancy Dandrea Danforth Dang Dangelo Daniel Daniels Danielson Danner Dansby Dantzler Darby Dardar Darden
Darling Darnell Darr Darrow Dasilva Daugherty Daughtry Davenport Davey David Davidson Davies Davila
Davis Davison Dawes Dawkins Dawson Day Dayton Deal Dean Deane Deangelis Dearing Deason Deaton Deberry
Deboer Decker Decosta Decoteau Deering Dees Deese Dehart Dehaven Dejesus Delacruz Delagarza Delaney
Delapaz Delarosa Delatorre Deleon Delgadillo Delgado Delisle Dell Dellinger Deloach Delong Delossantos
Delrio Deluca Deluna Delvalle Demarco Demers Demoss Dempsey Denham Denis Denison Denman Denney Denning
Dennis Dennison Denny Denson Dent Denton Depew Depriest Derby Derosa Derr Derrick Desai Desantis
Desimone Desjardins Desmarais Desmond Desrosiers Deutsch Dever Devine Devito Devlin Devoe Devore Devries
Dew Dewey Dewitt Dexter Deyoung Dial Diamond Dias Diaz Dibble Dick Dickens Dickenson Dickerson Dickey
Dickinson Dickson Diehl Dietrich Dietz Diggs Dill Dillard Dillon Dilworth Dingle Dinkins Dion Dionne
Dishman Dix Dixon Do Doan Doane Dobbins Dobbs Dobson Dockery Dodd Dodds Dodge Dodson Doe Doerr Doherty
Dolan Doll Dollar Domingo Dominguez Dominquez Donahue Donald Donaldson Donato Donley Donnell Donnelly
Donohue Donovan Dooley Doolittle Doran Dorman Dorn Dorris Dorsey Dortch Doss Dotson Doty Doucet Doucette
Dougherty Doughty Douglas Douglass Dove Dover Dow Dowd Dowdell Dowdy Dowell Dowling Downes Downey
Downing Downs Doyle Dozier Drain Drake Draper Drayton Drew Driggers Driscoll Driver Drummond Drury
Dryden Duarte Dube Dubois Dubose Ducharme Duck Duckett Duckworth Dudley Duenas Duff Duffy Dugan Dugas
Duggan Dugger Duke Dukes Dulaney Dumas Dumont Dunaway Dunbar Duncan Dunham Dunlap Dunn Dunne Dunning
Duong Dupont Dupre Dupree Dupuis Duran Durand Durant Durbin Durden Durham Durkin Durr Durst Dutcher
Dutton Duty Duval Duvall Dvorak Dwyer Dye Dyer Dykes Dykstra Dyson Eades Eads Eady Eagle Earl Earle
Earley Earls Early Earnest Easley Eason East Easter Easterling Eastman Easton Eaton Eaves Ebert
Echevarria Echols Eck Eckert Eddy Eden Edens Edgar Edge Edison Edmond Edmonds Edmondson Edmunds Edward
Edwards Egan Egbert Eggers Eggleston Ehlers Ehrlich Eisenberg Elam Elder Eldred Eldridge Elias Elizondo
Elkins Eller Ellington Elliot Elliott Ellis Ellison Ellsworth Elmer Elmore Elrod Elston Elwell Elwood
Ely Emanuel Embry Emerick Emerson Emery Emmons Emory Eng Engel England Engle Englert English Engstrom
Ennis Enos Enright Enriquez Epperson Epps Epstein Erb Erdman Erdmann Erickson Ericson Ernest Ernst
Erskine Ervin Erwin Escalante Escamilla Escobar Escobedo Eskridge Esparza Espinal Espino Espinosa
Espinoza Esposito Esquivel Estep Estes Estevez Estrada Estrella Etheridge Ethridge Eubank Eubanks Evans
Everett Everette Everhart Evers Everson Ewing Ezell Faber Fabian Fagan Fahey Fain Fair Fairbanks
Fairchild Faircloth Fairley Faison Fajardo Falcon Falcone Falk Fallon Falls Fancher Fannin Fanning
Farber Faria Farias Faris Farley Farmer Farnsworth Farr Farrar Farrell Farrington Farris Farrow Faulk
Faulkner Faust Favors Fawcett Fay Fears Feaster Fee Feeney Felder Feldman Feliciano Felix Felker Feller
Fellows Felton Felts Fender Fenn Fennell Fenner Fenton Fenwick Ferguson Fernandes Fernandez Ferrante
Ferrara Ferrari Ferraro Ferreira Ferrell Ferrer Ferris Ferro Ferry Fetter Fidler Fiedler Field Fielder
Fielding Fields Fierro Fife Figueroa Fike Fillmore Finch Fincher Findley Fine Fink Finley Finn Finnegan
Finney Fiore Fischer Fish Fisher Fishman Fisk Fitch Fite Fitts Fitzgerald Fitzpatrick Fitzsimmons Fix
Flagg Flaherty Flanagan Flanders Flanigan Flannery Fleck Fleming Flemming Fletcher Flick Flint Flood
Flora Florence Flores Florez Flournoy Flowers Floyd Flynn Fogarty Fogg Fogle Foley Folk Folse Folsom
Foltz Fong Fonseca Fontaine Fontenot Foote Forbes Ford Forde Fordham Foreman Forest Foret Forman Forney
Forrest Forrester Forster Forsyth Forsythe Fort Forte Fortenberry Fortier Fortin Fortner Fortney Fortune
Foss Foster Fountain Fournier Foust Fowler Fowlkes Fox Foy Fraley Frame France Francis Francisco Franco
Francois Frank Franke Frankel Franklin Franks Frantz Franz Fraser Frasier Frazer Frazier Frederick
Fredericks Fredrick Fredrickson Free Freed Freedman Freeland Freeman Freese Freitas French Freund Frey
Frias Frick Friday Fried Friedman Friend Frierson Fries Fritts Fritz Frizzell Frost Fry Frye Fryer Fuchs
Fuentes Fugate Fuhrman Fulcher Fulk Fulkerson Fuller Fullerton Fulmer Fulton Fultz Funderburk Funk Fuqua
Furlong Furman Furr Furtado Fusco Gabbard Gabel Gable Gabriel Gaddis Gaddy Gadson Gaffney Gage Gagne
Gagnon Gaines Gainey Gaitan Gaither Galarza Galbraith Galbreath Gale Galindo Gall Gallagher Gallaher
Gallant Gallardo Gallegos Gallo Galloway Galvan Galvez Galvin Gamble Gamboa Gambrell Gamez Gammon Gandy
Gann Gannon Gant Gantt Gaona Garay Garber Garcia Gardiner Gardner Garibay Garland Garman Garmon Garner
Garnett Garrett Garrido Garris Garrison Garrity Garvey Garvin Gary Garza Gaskin Gaskins Gaspar Gass
Gaston Gates Gatewood Gatlin Gault Gause Gauthier Gavin Gay Gayle Gaylor Gaylord Gaynor Gaytan Gearhart
Geary Gee Geer Geiger Geisler Geller Gendron Gentile Gentry George Gerald Gerard Gerber Gerlach Germain
German Getz Geyer Gibbons Gibbs Gibson Giddens Giese Gifford Gil Gilbert Gilbertson Gilbreath Gilchrist
Giles Gill Gillard Gillen Gillespie Gillette Gilley Gilliam Gilligan Gilliland Gillis Gillum Gilman
Gilmer Gilmore Gilpin Gilson Ginn Giordano Gipson Girard Giron Giroux Gish Gist Givens Gladden Gladney
Glaser Glasgow Glass Glaze Gleason Glenn Glick Glover Glynn Goad Goble Goddard Godfrey Godinez Godoy
Godsey Godwin Goebel Goetz Goff Goforth Goings Goins Gold Goldberg Golden Golding Goldman Goldsmith
Goldstein Gomes Gomez Gonsalves Gonzales Gonzalez Gooch Good Goode Goodell Gooden Goodin Gooding Goodman
Goodrich Goodson Goodwin Goolsby Gordon Gore Gorham Gorman Gosnell Goss Gosselin Gossett Gott Gough
Gould Goulet Gourley Gower Graber Grabowski Grace Gracia Grady Graf Graff Gragg Graham Grammer Granados
Grande Granger Grant Grantham Grasso Graves Gray Grayson Graziano Greathouse Greco Green Greenberg
Greene Greenfield Greenleaf Greenlee Greenwell Greenwood Greer Gregg Gregoire Gregory Greiner Grenier
Gresham Grey Grice Grider Griego Grier Griffen Griffin Griffis Griffith Griffiths Grigg Griggs Grigsby
Grim Grimes Grimm Grimsley Grisham Grissom Griswold Groce Groff Grogan Groom Grooms Gross Grossman Grove
Grover Groves Grubb Grubbs Gruber Guajardo Guay Guenther Guerin Guerra Guerrero Guess Guest Guevara
Guffey Guido Guidry Guillen Guillory Guinn Gullett Gulley Gunderson Gunn Gunter Gunther Gurley Gurney
Gustafson Gustin Guthrie Gutierrez Guy Guyer Guyton Guzman Gwinn Ha Haag Haas Haase Hacker Hackett
Hackney Haddad Hadden Haddock Hadley Hagan Hagen Hager Haggard Haggerty Hahn Haight Hailey Haines Hair
Hairston Halbert Halcomb Hale Hales Haley Hall Haller Hallett Hallman Hallock Halsey Halstead Halverson
Halvorson Ham Hamblin Hambrick Hamby Hamel Hamer Hamill Hamilton Hamlett Hamlin Hamm Hammer Hammett
Hammock Hammond Hammonds Hammons Hampton Hamrick Han Hancock Hand Handley Handy Hanes Haney Hankins
Hanks Hanley Hanlon Hanna Hannah Hannan Hannon Hansen Hanson Harbin Harbison Hardaway Hardee Harden
Harder Hardesty Hardiman Hardin Harding Hardison Hardman Hardwick Hardy Hare Hargett Hargis Hargrave
Hargrove Harkins Harlan Harless Harley Harlow Harman Harmon Harms Harness Harney Haro Harold Harp Harper
Harr Harrell Harrelson Harrigan Harriman Harrington Harris Harrison Harrod Harry Hart Harter Hartford
Hartley Hartman Hartmann Hartnett Hartwell Hartwig Hartzell Harvey Harwell Harwood Haskell Haskins Hass
Hassell Hastings Hatch Hatcher Hatchett Hatfield Hathaway Hatley Hatton Hauck Haugen Haun Hauser Haven
Havens Hawes Hawk Hawkins Hawks Hawley Haworth Hawthorne Hay Hayden Hayes Haygood Haynes Hays Hayward
Haywood Hazel Hazelton Hazelwood Hazen Hazzard Head Headley Headrick Healey Healy Heard Hearn Hearne
Heath Heaton Hebert Hecht Heck Heckman Hector Hedgepeth Hedges Hedrick Heffernan Heffner Heflin Hefner
Heilman Heim Hein Heinrich Heinz Heisler Held Heller Helm Helmick Helms Helton Hembree Hemphill
Hendershot Henderson Hendon Hendrick Hendricks Hendrickson Hendrix Henke Henley Hennessey Hennessy
Henning Henriquez Henry Henshaw Hensley Henson Her Herbert Herbst Herd Heredia Herman Hermann Hernandes
Hernandez Herndon Herold Herr Herrera Herrick Herrin Herring Herrington Herrmann Herron Hersey
Hershberger Herzog Hess Hesse Hester Hetrick Hewett Hewitt Heyward Hiatt Hibbard Hickerson Hickey
Hickman Hicks Hickson Hidalgo Higdon Higginbotham Higgins Higgs High Hight Hightower Hilbert Hildebrand
Hildreth Hiles Hill Hillard Hiller Hilliard Hillis Hillman Hills Hilton Himes Hindman Hinds Hines Hinkle
Hinman Hinojosa Hinson Hinton Hirsch Hitchcock Hite Hitt Hix Hixon Hixson Ho Hoag Hoagland Hoang Hobbs
Hobson Hochstetler Hodge Hodges Hodgson Hodson Hoff Hoffman Hoffmann Hofmann Hogan Hogg Hogue Hoke
Holbrook Holcomb Holcombe Holden Holder Holguin Holiday Holland Hollar Hollenbeck Holler Holley Holliday
Holliman Hollingsworth Hollins Hollis Holloman Holloway Holly Holm Holman Holmes Holston Holt Holton
Holtz Homan Homer Honaker Honeycutt Hong Hood Hook Hooker Hooks Hooper Hooten Hoover Hope Hopkins Hoppe
Hopper Hopson Horan Horn Horne Horner Horning Hornsby Horowitz Horsley Horst Horton Horvath Hosey
Hoskins Hostetler Hotchkiss Houck Hough Houghton Houk Houle House Houser Houston Howard Howe Howell
Howerton Howes Howland Hoy Hoyle Hoyt Hsu Hu Huang Hubbard Hubbell Huber Hubert Huckaby Huddleston
Hudgens Hudgins Hudson Hudspeth Huerta Huey Huff Huffman Huggins Hughes Hughey Hulbert Hulett Hull Hulse
Hulsey Humble Hume Humes Hummel Humphrey Humphreys Humphries Hundley Huneycutt Hunt Hunter Huntington
Huntley Hurd Hurley Hurst Hurt Hurtado Huskey Hussey Huston Hutchens Hutcherson Hutcheson Hutchings
Hutchins Hutchinson Hutchison Hutson Hutto Hutton Huynh Hwang Hyatt Hyde Hyland Hylton Hyman Hynes
Ibarra Iglesias Infante Ingalls Ingersoll Ingle Ingraham Ingram Inman Irby Ireland Irish Irizarry Irons
Irvin Irvine Irving Irwin Isaac Isaacs Isaacson Isbell Isom Ison Israel Iverson Ives Ivey Ivory Ivy Izzo
Jablonski Jack Jackman Jacks Jackson Jacob Jacobs Jacobsen Jacobson Jacoby Jacques Jaeger Jaffe Jaime
Jamerson James Jameson Jamieson Jamison Janes Jankowski Jansen Janssen Jaramillo Jarman Jarrell Jarrett
Jarvis Jasper Jasso Jay Jaynes Jean Jeffcoat Jefferies Jeffers Jefferson Jeffery Jeffrey Jeffries
Jemison Jenkins Jenks Jennings Jensen Jenson Jernigan Jerome Jessen Jessup Jeter Jett Jewell Jewett
Jiles Jimenez Jiminez Jobe Joe Johansen John Johns Johnsen Johnson Johnston Johnstone Joiner Jolley
Jolly Jonas Jones Jordan Jordon Jorgensen Jorgenson Jose Joseph Joslin Joy Joyce Joyner Juarez Judd Jude
Judge Judkins Judy Julian Jung Justice Justus Kahl Kahn Kaiser Kaminski Kane Kang Kaplan Karl Karnes
Karr Kasper Katz Kauffman Kaufman Kay Kaye Kaylor Keane Kearney Kearns Keating Keaton Keck Kee Keefe
Keefer Keegan Keel Keeler Keeling Keen Keenan Keene Keener Keeney Keeton Kehoe Keim Keister Keith Kell
Kellar Kelleher Keller Kelley Kellogg Kellum Kelly Kelsey Kelso Kemp Kemper Kendall Kendrick Kennedy
Kenner Kenney Kenny Kent Kenyon Kern Kerns Kerr Kersey Kessler Kester Ketchum Key Keyes Keys Keyser Khan
Kidd Kidder Kidwell Kiefer Kieffer Kilburn Kilgore Killian Killingsworth Killion Kilmer Kilpatrick Kim
Kimball Kimble Kimbrell Kimbrough Kimmel Kimura Kinard Kincaid Kinder Kindred King Kingsbury Kingsley
Kingston Kinney Kinsey Kipp Kirby Kirchner Kirk Kirkham Kirkland Kirkpatrick Kirksey Kirkwood Kirsch
Kirschner Kiser Kish Kitchen Kitchens Kite Kizer Klein Kline Kling Klingensmith Klinger Klug Knapp
Knight Knoll Knott Knotts Knowles Knowlton Knox Knudsen Knudson Knutson Koch Kocher Koehler Koehn Koenig
Koester Kohl Kohler Kohn Kolb Kong Koon Koonce Koontz Kopp Kornegay Koski Kovach Kovacs Kowalski Kozak
Kozlowski Kraemer Kraft Kramer Krantz Kranz Kraus Krause Krauss Krebs Kremer Krieger Kroll Krueger Krug
Kruger Kruse Kuehn Kuhl Kuhn Kuhns Kumar Kunkel Kuntz Kunz Kurtz Kuykendall Kwan Kyle Kyles Labbe
Labelle Labonte Laboy Lacasse Lacey Lachance Lackey Lacroix Lacy Ladd Ladner Lafferty Laflamme Lafleur
Lahr Lai Lail Laing Laird Lake Laliberte Lalonde Lam Lamar Lamb Lambert Lamm Lamont Lamontagne Lampe
Lampkin Lancaster Lance Land Landers Landis Landon Landreth Landrum Landry Lane Laney Lang Langdon Lange
Langer Langford Langham Langley Langlois Langston Lanham Lanier Lankford Lanning Lantz Lapierre Laplante
Lapointe Laporte Lara Large Larkin Larkins Laroche Larose Larrabee Larry Larsen Larson Larue Lash
Lashley Lassiter Laster Latham Lathrop Latimer Latta Lattimore Lau Lauer Laughlin Laurent Lavallee
Lavalley Lavender Lavergne Lavigne Lavoie Law Lawhorn Lawler Lawless Lawrence Laws Lawson Lawton Lay
Layman Layne Layton Le Lea Leach Leahy Leak Leake Leal Lear Leary Leath Leatherman Leathers Leatherwood
Leavitt Leblanc Leboeuf Lebron Leclair Ledbetter Ledesma Ledet Ledford Ledoux Lee Leech Leeper Lees
Lefebvre Leger Legg Leggett Legrand Lehman Lehmann Leigh Leighton Lemaster Lemay Lemieux Lemke Lemmon
Lemoine Lemon Lemons Lemus Lennon Lentz Lenz Leon Leonard Leone Lerma Lerner Leroy Leslie Lessard Lester
Letourneau Lett Leung Levasseur Leverett Levesque Levi Levin Levine Levy Lew Lewandowski Lewis Leyva
Lheureux Li Libby Liddell Lieberman Lien Liggins Light Lightfoot Lightner Ligon Liles Lilley Lilly Lim
Lima Limon Lin Linares Lincoln Lind Lindberg Linder Lindgren Lindley Lindner Lindquist Lindsay Lindsey
Lindstrom Ling Link Linkous Linn Linton Linville Lippert Lipscomb Lira Lister Little Littlefield
Littlejohn Littleton Liu Lively Livingston Llewellyn Lloyd Lo Lock Lockard Locke Lockett Lockhart
Locklear Lockwood Loera Loftin Loftis Lofton Loftus Logan Logsdon Logue Lohr Lomax Lombard Lombardi
Lombardo Lomeli London Long Longo Longoria Loomis Looney Loper Lopes Lopez Lord Lorenz Lorenzo Lott
Loucks Louie Louis Lovato Love Lovejoy Lovelace Loveless Lovell Lovely Lovett Loving Low Lowe Lowell
Lowery Lowman Lowry Loy Loya Loyd Lozada Lozano Lu Lucas Luce Lucero Luciano Lucio Luck Luckett Ludwig
Luevano Lugo Luis Lujan Luke Luker Lum Lumpkin Luna Lund Lundberg Lundgren Lundquist Lundy Lunn Lunsford
Luong Lusk Lussier Luster Luther Luttrell Lutz Ly Lyle Lyles Lyman Lynch Lynn Lyon Lyons Lytle Ma Maas
Mabe Mabry Macdonald Mace Machado Macias Maciel Mack Mackay Mackenzie Mackey Mackie Macklin Maclean
Macleod Macmillan Macon Macpherson Madden Maddox Maddux Madera Madigan Madison Madrid Madrigal Madsen
Maes Maestas Magana Magee Maggard Maggio Magnuson Maguire Mahaffey Mahan Maher Mahler Mahon Mahoney
Maier Main Major Majors Maki Malave Malcolm Maldonado Malik Mallard Mallett Malley Mallory Malloy Malone
Maloney Mancini Mancuso Mandel Maness Mangrum Mangum Manley Mann Manning Manns Mansfield Manson Manuel
Manzano Manzo Mapes Maple Maples Marble March Marchand Marchant Marcotte Marcum Marcus Mares Marin
Marino Marion Mark Marker Markham Markley Marks Marler Marley Marlin Marlow Marlowe Marquardt Marquez
Marquis Marr Marra Marrero Marroquin Marrs Marsh Marshall Marston Martel Martell Martens Martin
Martindale Martinez Martino Martins Martinson Marty Martz Marvin Marx Mashburn Mason Massa Massey Massie
Mast Masters Masterson Mata Mateo Matheny Mather Matherne Mathes Matheson Mathew Mathews Mathias Mathis
Mathison Matias Matlock Matney Matos Matson Matteson Matthew Matthews Mattingly Mattison Mattos Mattox
Mattson Mauldin Maupin Maurer Mauro Maxey Maxfield Maxwell May Maya Mayberry Mayer Mayers Mayes Mayfield
Mayhew Maynard Mayo Mays Maze Mazur Mazza Mcabee Mcadams Mcafee Mcalister Mcallister Mcarthur Mcbee
Mcbride Mcbroom Mccabe Mccafferty Mccaffrey Mccain Mccall Mccallister Mccallum Mccann Mccants Mccarter
Mccarthy Mccartney Mccarty Mccaskill Mccauley Mcclain Mcclanahan Mcclary Mccleary Mcclellan Mcclelland
Mcclendon Mcclintock Mcclinton Mccloskey Mccloud Mcclung Mcclure Mccluskey Mccollum Mccombs Mcconnell
Mccool Mccord Mccorkle Mccormack Mccormick Mccown Mccoy Mccracken Mccrary Mccray Mccrea Mccreary Mccrory
Mccue Mcculley Mcculloch Mccullough Mccune Mccurdy Mccurry Mccutcheon Mcdade Mcdaniel Mcdaniels
Mcdermott Mcdevitt Mcdonald Mcdonnell Mcdonough Mcdougal Mcdougall Mcdowell Mcduffie Mcelhaney Mcelroy
Mcevoy Mcewen Mcfadden Mcfall Mcfarland Mcfarlane Mcgee Mcgehee Mcghee Mcgill Mcginley Mcginn Mcginnis
Mcginty Mcgough Mcgovern Mcgowan Mcgrath Mcgraw Mcgregor Mcgrew Mcgriff Mcguire Mchale Mchenry Mchugh
Mcinnis Mcintire Mcintosh Mcintyre Mckay Mckean Mckee Mckeever Mckelvey Mckenna Mckenney Mckenzie Mckeon
Mckeown Mckinley Mckinney Mckinnon Mcknight Mckoy Mclain Mclane Mclaren Mclaughlin Mclaurin Mclean
Mclellan Mclemore Mclendon Mcleod Mcmahan Mcmahon Mcmanus Mcmaster Mcmichael Mcmillan Mcmillen Mcmillian
Mcmillin Mcmullen Mcmullin Mcmurray Mcnabb Mcnair Mcnally Mcnamara Mcnamee Mcneal Mcneely Mcneil Mcneill
Mcnulty Mcnutt Mcpherson Mcqueen Mcrae Mcreynolds Mcswain Mcvay Mcvey Mcwhorter Mcwilliams Meacham Mead
Meade Meador Meadows Meagher Means Mears Medeiros Medina Medley Medlin Medlock Medrano Meehan Meek
Meeker Meeks Meier Meister Mejia Melancon Melanson Melendez Mello Melo Melton Melvin Mena Menard
Menchaca Mendenhall Mendes Mendez Mendoza Menendez Meraz Mercado Mercer Merchant Mercier Meredith
Merrell Merrick Merrill Merriman Merritt Merriweather Mesa Messenger Messer Messier Messina Metcalf Metz
Metzger Metzler Meyer Meyers Meza Michael Michaels Michaud Michel Michels Mickelson Mickens Middleton
Miguel Milam Milan Milburn Miles Miley Millan Millard Miller Milligan Milliken Mills Milne Milner Milton
Mims Mincey Miner Mink Minnick Minor Minter Minton Mintz Miracle Miramontes Miranda Mireles Mitchel
Mitchell Mitchem Mix Mixon Mize Mizell Moats Mobley Mock Moe Moeller Moen Moffett Moffitt Mohr Mojica
Molina Moll Monaco Monaghan Monahan Mondragon Money Moniz Monk Monroe Monroy Monson Montague Montalvo
Montanez Montano Montemayor Montenegro Montero Montes Montez Montgomery Montoya Moody Moon Mooney Moore
Moorehead Moorman Mora Morales Moran More Moreau Morehead Morehouse Moreira Morel Moreland Moreno Morey
Morgan Moriarty Morin Morley Morrell Morrill Morris Morrison Morrissette Morrissey Morrow Morse
Mortensen Mortimer Morton Mosby Moseley Moser Moses Mosher Mosier Mosley Moss Mota Moten Motley Mott
Moua Moulton Moultrie Mount Mouton Mowery Moy Moya Moye Moyer Moyers Mudd Mueller Muhammad Muir Mulcahy
Mulholland Mulkey Mull Mullen Mullens Muller Mulligan Mullin Mullins Mullis Mumford Muncy Mundy Munger
Munguia Muniz Munn Munoz Munro Munson Murdock Murillo Murphy Murray Murrell Murry Muse Musgrove Musick
Musselman Musser Myer Myers Myles Myrick Nabors Nadeau Nagel Nagle Nagy Nail Najera Nakamura Nall Nance
Napier Napolitano Naquin Naranjo Narvaez Nash Nason Natale Nathan Nation Nava Navarrete Navarro Naylor
Nazario Neal Nealy Necaise Needham Neel Neeley Neely Neff Negrete Negron Neighbors Neil Neill Neilson
Nelms Nelsen Nelson Nemeth Nesbit Nesbitt Nesmith Ness Nestor Nettles Neuman Neumann Nevarez Neville New
Newberry Newby Newcomb Newell Newhouse Newkirk Newland Newman Newport Newsom Newsome Newson Newton Nez
Ng Ngo Nguyen Nicholas Nicholls Nichols Nicholson Nickel Nickell Nickerson Nielsen Nielson Niemi Nieto
Nieves Niles Nix Nixon Noble Nobles Noe Noel Nolan Noland Nolen Noll Noonan Norfleet Noriega Norman
Norris North Northcutt Norton Norwood Novak Novotny Nowak Nowell Nowlin Noyes Nugent Null Numbers Nunes
Nunez Nunley Nunn Nutt Nutter Nye Oakes Oakley Oaks Oates Obrian Obrien Obryan Ocampo Ocasio Ochoa Ochs
Oconnell Oconner Oconnor Odell Oden Odom Odonnell Odum Ogden Ogle Oglesby Ogrady Oh Ohara Ojeda Okeefe
Oldham Olds Oleary Olinger Oliphant Oliva Olivares Olivarez Olivas Olive Oliveira Oliver Olivera Olivo
Olmos Olmstead Olsen Olson Olvera Omalley Oneal Oneil Oneill Ontiveros Oquendo Ordonez Oreilly Orellana
Orlando Ornelas Orosco Orourke Orozco Orr Orta Ortega Orth Ortiz Orton Osborn Osborne Osburn Osgood
Oshea Osorio Osteen Oster Ostrander Osullivan Oswald Oswalt Otero Otis Otoole Ott Otto Ouellette Ousley
Outlaw Overby Overman Overstreet Overton Owen Owens Owings Oxford Ozuna Pabon Pace Pacheco Pack Packard
Packer Paddock Padgett Padilla Padron Pagan Pagano Page Paige Paine Painter Pak Palacios Palermo Palm
Palma Palmer Palmore Palumbo Pannell Pantoja Pape Pappas Paquette Paquin Paradis Pardo Pardue Paredes
Parent Parenteau Parham Paris Parish Parisi Park Parker Parkhurst Parkinson Parks Parnell Parr Parra
Parris Parrish Parrott Parry Parsley Parson Parsons Partida Partin Parton Partridge Paschal Paschall
Pascual Passmore Pate Patel Paterson Patino Patrick Patten Patterson Pattison Patton Paul Pauley Paulk
Paulsen Paulson Paxton Payne Payton Paz Peabody Peace Peachey Peacock Peak Peake Pearce Pearl Pearsall
Pearson Pease Peck Peckham Pedersen Pederson Pedigo Pedroza Peebles Peek Peel Peele Peeler Peeples
Pelayo Pelkey Pellegrino Pelletier Peltier Pelton Pemberton Pena Pence Pender Pendergrass Pendleton Penn
Pennell Penney Pennington Penny Penrod Peoples Pepin Pepper Peppers Perales Peralta Percy Perdue Perea
Pereira Perez Perkins Perreault Perrin Perron Perrone Perry Perryman Persaud Person Pete Peter Peterman
Peters Petersen Peterson Petit Petrie Pettigrew Pettis Pettit Pettus Pettway Petty Peyton Pfaff Pfeifer
Pfeiffer Pham Phan Pharr Phelan Phelps Phifer Philips Phillip Phillips Philpot Phipps Piazza Picard
Pichardo Pickard Pickens Pickering Pickett Pickle Pierce Pierre Pierson Pigg Pike Pilcher Pilkington
Pimentel Pina Pinckney Pinder Pineda Pinkerton Pinkney Pinkston Pino Pinson Pinto Piper Pipkin Pippin
Pirtle Pitcher Pitman Pitre Pitt Pittman Pitts Place Plank Plant Plante Platt Pleasant Plourde Plummer
Plunkett Poe Pogue Pohl Poindexter Pointer Poirier Polanco Poland Poling Polk Pollack Pollard Pollock
Pomeroy Ponce Pond Ponder Pool Poole Poore Pope Popp Porras Porter Porterfield Portillo Portis Posey
Post Poston Potter Potts Poulin Pounds Powe Powell Power Powers Prado Prater Prather Pratt Preece
Prentice Prescott Presley Pressley Preston Prewitt Price Prichard Pride Pridgen Priest Prieto Prince
Pringle Prior Pritchard Pritchett Probst Proctor Proffitt Propst Prosser Proulx Provost Pruett Pruitt
Pryor Puckett Puente Pugh Pulido Pullen Pulley Pulliam Purcell Purdy Purnell Purvis Puryear Putman
Putnam Pyle Pyles Qualls Quan Quarles Queen Quesada Quezada Quick Quigley Quillen Quimby Quinlan Quinn
Quinones Quinonez Quintana Quintanilla Quintero Quiroz Raby Race Racine Rackley Radcliffe Rader Radford
Radtke Rae Rael Rafferty Ragan Ragland Ragsdale Rahn Raines Rainey Rains Rainwater Raley Ralph Ralston
Ramage Rambo Ramey Ramirez Ramon Ramos Ramsay Ramsey Rand Randall Randle Randolph Raney Rangel Rankin
Rankins Ransom Raper Rapp Rash Rasmussen Ratcliff Ratliff Rau Rauch Rausch Rawlings Rawlins Rawls Rawson
Ray Rayburn Rayford Raymond Raynor Razo Rea Read Reagan Reams Reardon Reaves Reavis Rector Redd Redden
Reddick Redding Reddy Redman Redmon Redmond Reece Reed Reeder Reedy Reel Rees Reese Reeve Reeves
Regalado Regan Register Reich Reichert Reid Reilly Reimer Reinhardt Reinhart Reis Reiss Reiter Reitz
Rembert Remillard Remington Rendon Renfro Renner Reno Renteria Resendez Reuter Rey Reyes Reyna Reynolds
Reynoso Rhea Rhinehart Rhoades Rhoads Rhoden Rhodes Rhyne Ricci Rice Rich Richard Richards Richardson
Richey Richie Richman Richmond Richter Rickard Ricker Ricketts Rickman Ricks Rico Riddell Riddick Riddle
Ridenour Rider Ridgeway Ridley Riedel Rife Rigby Riggins Riggs Rigsby Riley Rinaldi Rincon Rinehart Ring
Riordan Rios Ripley Ritchey Ritchie Rittenhouse Ritter Ritz Rivard Rivas Rivera Rivero Rivers Rizzo
Roach Roark Robb Robbins Roberge Roberson Robert Roberts Robertson Robey Robinette Robins Robinson
Robison Robledo Robles Robson Roby Rocco Rocha Roche Rock Rockwell Roddy Roden Roderick Rodgers Rodman
Rodrigue Rodrigues Rodriguez Rodriquez Roe Roebuck Roger Rogers Rohde Rohr Rojas Rojo Roland Roldan
Rolfe Roller Rollins Roman Romano Rome Romeo Romero Romine Romo Roney Rood Rooks Rooney Root Roper Roque
Rosa Rosado Rosales Rosario Rosas Rose Rosen Rosenbaum Rosenberg Rosenberger Rosenfeld Rosenthal Ross
Rosser Rossi Roth Rothman Rounds Roundtree Rountree Rouse Roush Rousseau Roussel Rowan Rowe Rowell
Rowland Rowley Roy Royal Roybal Royce Royer Royster Rubin Rubio Ruble Ruby Rucker Rudd Rudolph Rudy Rue
Ruelas Ruff Ruffin Ruggiero Ruiz Rule Runge Runyan Runyon Rupert Rupp Rush Rushing Russ Russel Russell
Russo Rust Ruth Rutherford Rutland Rutledge Rutter Ryals Ryan Ryder Saavedra Sabin Sabo Sacco Sachs
Saddler Sadler Saenz Sage Sager Saiz Salas Salazar Salcedo Salcido Saldana Saldivar Salerno Sales
Salgado Salinas Salisbury Sallee Salley Salmon Salter Salvador Salyer Sam Samaniego Sammons Sample
Samples Sampson Sams Samson Samuel Samuels Samuelson Sanabria Sanborn Sanches Sanchez Sandberg Sander
Sanders Sanderson Sandlin Sandoval Sands Sandy Sanford Santana Santiago Santoro Santos Sapp Sargent
Sasser Sato Satterfield Satterwhite Sauceda Saucedo Saucier Sauer Saul Sauls Saunders Savage Savoy
Sawyer Sawyers Saxon Saxton Sayers Sayles Saylor Sayre Scales Scanlon Scarborough Scarbrough Schaefer
Schaeffer Schafer Schaffer Scheer Schell Schenck Schenk Scherer Schiller Schilling Schindler Schlegel
Schlosser Schmid Schmidt Schmitt Schmitz Schneider Schoen Schofield Scholl Schoonover Schott Schrader
Schramm Schreiber Schreiner Schrock Schroder Schroeder Schubert Schuler Schulte Schultz Schulz Schulze
Schumacher Schuman Schumann Schuster Schutz Schwab Schwartz Schwarz Schweitzer Scoggins Scott Scribner
Scroggins Scruggs Scully Seal Seale Seals Seaman Searcy Searle Searles Sears Seaton Seay Sebastian See
Seeley Seely Segal Seger Segovia Segura Seibert Seidel Seifert Seiler Seitz Selby Self Sell Sellars
Sellers Sells Sena Senn Sepulveda Serna Serrano Sessions Sessoms Settle Settles Severson Seward Sewell
Sexton Seymore Seymour Shackelford Shade Shafer Shaffer Shah Shanahan Shaner Shank Shanks Shannon
Shapiro Sharkey Sharp Sharpe Shaver Shaw Shay Shea Shearer Sheehan Sheets Sheffield Shelby Sheldon Shell
Shelley Shelly Shelton Shepard Shephard Shepherd Sheppard Sheridan Sherman Sherrill Sherrod Sherry
Sherwood Shields Shifflett Shin Shine Shinn Shipley Shipman Shipp Shirey Shirley Shively Shivers
Shockley Shoemake Shoemaker Shook Shore Shores Short Shorter Shoup Shouse Showers Shrader Shriver Shuler
Shull Shultz Shumaker Shuman Shumate Shupe Sibley Sides Siegel Sierra Sigler Sigmon Sikes Silas Siler
Sills Silva Silveira Silver Silverman Silvers Silvey Silvia Simmons Simms Simon Simonds Simone Simons
Simonson Simpkins Simpson Sims Sinclair Singer Singh Singletary Singleton Sink Sipe Sipes Sisco Sisk
Sisson Sites Sizemore Skaggs Skeen Skelton Skidmore Skiles Skinner Skipper Slack Slade Slagle Slater
Slaton Slattery Slaughter Slayton Sledge Sloan Slocum Slone Small Smalley Smalls Smallwood Smart Smiley
Smith Smitherman Smithers Smithson Smoot Smothers Smyth Snead Sneed Snell Snider Snipes Snodgrass Snook
Snow Snowden Snyder Soares Soileau Sokol Solano Solis Soliz Solomon Solorio Somers Somerville Sommer
Sommers Song Sonnier Soper Sorensen Sorenson Soria Soriano Sorrell Sorrells Sosa Sotelo Soto Soucy Soule
Sousa South Southard Southerland Southern Souza Sowell Sowers Spain Spalding Spangler Spann Sparkman
Sparks Sparrow Spaulding Spear Spearman Spears Speed Speer Speight Spellman Spence Spencer Sperry Spicer
Spikes Spiller Spillman Spinks Spitzer Spivey Spooner Spradlin Sprague Spriggs Spring Springer Sprinkle
Sprouse Spruill Spurgeon Spurlock Squires Stacey Stack Stackhouse Stacy Stafford Staggs Stahl Staley
Stallings Stallworth Stamm Stamper Stamps Stancil Standley Stanfield Stanford Stanley Stansberry
Stansbury Stanton Staples Stapleton Stark Starkey Starks Starling Starnes Starr Staten Staton Stauffer
Stclair Steadman Stearns Stebbins Steed Steel Steele Steen Steffen Stegall Stein Steinberg Steiner
Steinmetz Stephen Stephens Stephenson Stepp Sterling Stern Stevens Stevenson Steward Stewart Stickney
Stidham Stiles Still Stillman Stillwell Stiltner Stine Stinnett Stinson Stith Stitt Stjohn Stock Stocker
Stockman Stocks Stockton Stockwell Stoddard Stoker Stokes Stoll Stoltzfus Stone Stoner Stonge Storey
Storm Storms Story Stott Stout Stovall Stover Stowe Stowell Stowers Stpierre Strader Straight Strain
Strait Strand Strange Stratton Straub Strauss Strawn Street Streeter Strickland Strickler Stricklin
Stringer Strom Strong Strother Stroud Stroup Strunk Stuart Stubblefield Stubbs Stuckey Studer Stull
Stump Stumpf Sturdivant Sturgeon Sturgill Sturgis Sturm Stutzman Styles Su Suarez Suber Suggs Sullivan
Summer Summerlin Summers Summerville Sumner Sumpter Sun Surratt Sutherland Sutter Sutton Suzuki Swafford
Swain Swan Swank Swann Swanson Swartz Swearingen Sweat Sweeney Sweet Swenson Swift Swindle Swinney
Swisher Switzer Swope Sykes Sylvester Sylvia Szabo Szymanski Tabb Taber Tabor Tackett Tafoya Taft
Taggart Tait Talbert Talbot Talbott Tallent Talley Tallman Tam Tamayo Tan Tanaka Tang Tankersley Tanner
Tapia Tapp Tarr Tarrant Tarver Tate Tatro Tatum Tavares Taylor Teague Teal Tedesco Teel Teeter Tejada
Tejeda Tellez Temple Templeton Tennant Tenney Terrazas Terrell Terrill Terry Testa Tetreault Thacker
Thames Thao Tharp Thatcher Thayer Theis Theisen Theriault Theriot Therrien Thibault Thibodeau Thibodeaux
Thiel Thigpen Thom Thomas Thomason Thompkins Thompson Thomsen Thomson Thorn Thornburg Thorne Thornhill
Thornton Thorp Thorpe Thorson Thorton Thrash Thrasher Thurman Thurmond Thurston Tibbetts Tibbs Tice
Tidwell Tierney Tijerina Tiller Tillery Tilley Tillman Tilton Timm Timmerman Timmons Tindall Tinker
Tinsley Tipton Tirado Tisdale Titus Tobias Tobin Todd Tolbert Toledo Toler Toliver Tolley Tolliver Tom
Tomlin Tomlinson Tompkins Toney Tong Toole Tooley Toombs Toomey Toro Torrence Torres Torrey Torrez
Toscano Toth Totten Tovar Tower Towle Towne Townes Towns Townsend Tracey Tracy Trahan Trainor Trammell
Tran Trantham Trapp Trask Travers Travis Traylor Treadway Treadwell Treat Treece Trejo Tremblay Trent
Trevino Tribble Trice Trimble Trinh Trinidad Triplett Tripp Trombley Trott Trotter Trout Troutman
Trowbridge Troy Trudeau True Truitt Trujillo Truman Truong Tsosie Tubbs Tuck Tucker Tudor Tuggle Tully
Turcotte Turk Turley Turman Turnage Turnbull Turner Turney Turpin Tuttle Tyler Tyner Tyree Tyson Ulloa
Ulmer Ulrich Underhill Underwood Unger Upchurch Upshaw Upton Urban Urbina Urena Urias Uribe Usher Ussery
Utley Vail Valadez Valdes Valdez Valencia Valenti Valentin Valentine Valentino Valenzuela Valerio Valle
Vallejo Valles Van Vanburen Vanbuskirk Vance Vanderpool Vandiver Vandyke Vang Vanhoose Vanhorn Vanmeter
Vann Vanover Vanpelt Vansickle Vanwinkle Varela Vargas Vargo Varner Varney Vasquez Vaughan Vaughn Vaught
Vazquez Veal Vega Veilleux Vela Velasco Velasquez Velazquez Velez Venable Venegas Ventura Vera Verdin
Verduzco Vergara Vermillion Vernon Vest Vetter Vick Vickers Vickery Victor Vidal Vieira Viera Vigil
Villa Villagomez Villalobos Villanueva Villareal Villarreal Villasenor Villegas Vincent Vines Vineyard
Vining Vinson Viola Vitale Vo Vogel Vogt Voigt Volk Volpe Volz Voss Vu Vue Wachter Waddell Waddle Wade
Wadsworth Waggoner Wagner Wagoner Wahl Wainwright Waite Waits Wakefield Walden Waldon Waldron Waldrop
Wales Walker Wall Wallace Wallen Waller Wallin Walling Wallis Walls Walsh Walston Walter Walters Walther
Walton Waltz Walz Wampler Wang Ward Warden Ware Warfield Warner Warnock Warren Warrick Warwick Washburn
Washington Wasson Watanabe Waterman Waters Watkins Watson Watt Watters Watts Waugh Way Wayman Wayne
Weatherford Weatherly Weathers Weathersby Weatherspoon Weaver Webb Webber Weber Webster Weddle Weed
Weeks Weems Wegner Weidner Weil Weiler Weimer Weinberg Weiner Weinstein Weir Weis Weiss Welborn Welch
Weldon Welker Weller Wellman Wells Welsh Welton Wendt Wenger Wentworth Wentz Wenzel Werner Wertz Wesley
Wessel Wesson West Westbrook Westcott Wester Westfall Westmoreland Weston Westphal Wetzel Whalen Whaley
Wharton Whatley Wheat Wheatley Wheaton Wheeler Whelan Whetstone Whipple Whitaker Whitcomb White Whited
Whitehead Whitehouse Whitehurst Whiteman Whitener Whiteside Whitfield Whiting Whitley Whitlock Whitlow
Whitman Whitmer Whitmire Whitmore Whitney Whitson Whitt Whittaker Whittemore Whitten Whittington Whittle
Whitworth Whorton Whyte Wick Wicker Wickham Wicks Wiese Wiggins Wilbanks Wilber Wilborn Wilbur Wilburn
Wilcox Wild Wilde Wilder Wiles Wiley Wilhelm Wilhite Wilke Wilkerson Wilkes Wilkie Wilkins Wilkinson
Wilks Will Willard Willett Willey William Williams Williamson Willie Williford Willingham Willis
Willoughby Wills Willson Wilmoth Wilson Wilt Wimberly Wimmer Winchester Windham Windsor Winfield Winfrey
Wing Wingard Wingate Wingfield Wingo Winkler Winn Winner Winslow Winstead Winston Winter Winters Wirth
Wisdom Wise Wiseman Wisniewski Witcher Withers Witherspoon Withrow Witt Witte Wofford Wolcott Wold Wolf
Wolfe Wolff Wolford Womack Womble Wong Woo Wood Woodall Woodard Woodbury Woodcock Wooden Woodley Woodman
Woodruff Woods Woodson Woodward Woodworth Woody Wooldridge Wooley Woolley Woolsey Wooten Word Worden
Workman Worley Worrell Worsham Worth Wortham Worthington Worthy Wozniak Wray Wren Wrenn Wright Wu Wyant
Wyatt Wyche Wyckoff Wylie Wyman Wynn Wynne Wyrick Xiong Yager Yamada Yamamoto Yancey Yancy Yanez Yang
Yarborough Yarbrough Yates Yazzie Ybarra Yeager Yee Yi Yocum Yoder Yoo Yoon York Yost Youmans Young
Youngblood Younger Yount Yu Zachary Zambrano Zamora Zapata Zaragoza Zarate Zavala Zayas Zeigler Zeller
Zepeda Zhang Ziegler Zielinski Zimmer Zimmerman Zimmermann Zink Zinn Zook Zuber Zuniga
"""
)

WORD_NAMES: frozenset[str] = _words(
    """
Abbey Aide Akin Alderman Aline Alley Almond Alpha Amber An Angel Angelic Angle Apple Archer Arias Arroyo
Art Ash Askew Auger August Aura Autumn Back Bacon Badger Baker Bales Ball Bandy Bane Banks Banner
Bannister Barb Barber Bard Barker Barney Baron Barrios Barrow Barrows Basil Bass Bates Batten Battle
Battles Bay Bays Beach Beam Bean Bear Beard Beau Beaver Beavers Beck Bee Beer Beers Bell Belle Belt
Bender Berg Berry Beryl Best Bias Bible Bill Billings Bills Billy Binder Birch Bird Birdie Bishop Black
Blanch Bland Blank Blanks Blessing Bliss Block Blood Bloom Blossom Blow Blue Blunt Boatman Bob Bobby
Bode Boles Bolt Bond Bonds Bone Bong Bonnie Bonny Book Booth Borders Born Boss Bottoms Bounds Bourgeois
Bower Bowers Bowler Bowling Bowman Box Brace Bracken Brad Brain Brake Branch Brand Brandy Brasher Bravo
Bray Breeding Brewer Bridge Bridges Bright Brim Brink Brogan Brook Brooks Brothers Brown Browning Brush
Buck Bud Buddy Bull Bullock Bunch Bunker Bunny Bunting Burden Burger Burns Burr Burrow Burrows Busby
Bush Buss Buster Butcher Butler Butt Button Butts Cable Cage Call Camellia Camp Candy Cannon Canter
Capers Caprice Caraway Card Carmine Carol Carpenter Carrier Carrion Carry Carver Case Cash Castle Castor
Cave Celesta Chad Chamberlain Chambers Champagne Champion Chance Chancellor Chandler Charity Chase
Chastity Cheek Cherish Cherry Chestnut Chew Chi Chick Child Chiles Chin China Chow Christen Chuck Church
Clapper Clay Clement Click Cliff Close Cloud Coats Coffee Coffin Colleen Collier Colon Combs Comer
Conception Cone Cook Cooks Coon Coons Cooper Cope Coral Corona Corral Cote Cotter Cotton Couch Council
Counts Cousins Covert Covey Coward Cox Coy Craft Crane Craven Creamer Creed Creel Cress Crews Crisp
Crook Crooks Cross Crouch Crow Crystal Curry Curt Dahlia Daily Daisy Dale Dame Darling Davenport Dawn
Day Deal Dean Deb Dell Delta Dent Derby Derrick Desire Destiny Dew Dial Diamond Dibble Dick Dickey Dill
Dimple Dirk Do Dodge Doe Doll Dollar Dolly Don Dot Dotty Doughty Dove Dowdy Downing Downs Drain Drake
Drew Driver Duck Duff Duke Dukes Dung Dunning Dusty Duty Dye Dyer Dykes Eagle Earl Earls Early Earnest
East Eaves Ebony Echo Ed Eddy Edge Elder Else Emerald Emery Era Ester Eve Fain Fair Fairy Faith Falcon
Falls Fanning Fanny Farmer Farrow Favors Fawn Fears Fee Feller Fellows Felts Fender Fern Ferry Fetter
Field Fielder Fielding Fields Fife Finch Fine Fink Fish Fisher Fix Fleck Flick Flint Flood Flora Flowers
Folk Ford Foreman Forest Fort Forte Fortune Foster Fountain Fox Frame Frank Franks Free Freed Freedman
Freeman French Fried Friend Fries Frost Fry Fryer Fuller Funk Furlong Gable Gage Gala Gale Gall Gallant
Gamble Garland Garner Garnet Garret Garrison Gates Gay Gee Gene Genesis Genie Gentile Gentry Gibbons
Gill Ginger Gist Givens Gladden Glass Glaze Glen Glory Goad Goings Gold Golden Goldsmith Good Gore Grace
Grant Graves Gray Green Grey Griffin Grim Grimes Groom Grooms Gross Grove Groves Guess Guest Gulley
Gurney Guy Ha Hacker Hackney Haddock Haggard Hair Hale Hales Hall Ham Hammer Hammock Hand Handy Hang
Hank Hanks Harden Harder Hardy Hare Harmony Harms Harness Harp Harry Hart Hatch Haven Havens Hawk Hawks
Hay Hays Hazel Head Heard Heath Heather Heck Hector Hedges Held Helm Helms Her Herb Herd Herring Hickey
Hicks High Hill Hills Hinds Ho Hogan Holder Holiday Holler Holly Homer Honey Hood Hook Hooker Hooks Hope
Hopper Horn House Hue Huff Hull Humble Hung Hunt Hunter Hurt Hyacinth In Iris Irons Ivory Ivy Jack Jacks
Jade Jarred Jasmine Jasper Jay Jewel Jimmy John Johns Joiner Jolly Josh Joy Judge Julienne Junior
Justice Karma Keel Keeling Keen Keener Ken Key Keys Khan Kidder Kinder Kindred King Kit Kitchen Kitchens
Kite Kitty Knight Knoll Lackey Lacy Lady Lake Lam Lamb Lance Land Lane Large Lash Laurel Lavender Law
Lawless Laws Lay Layman Lea Leach Leak Lean Leathers Lee Leech Lees Lemon Lemons Levy Liberty Lien Light
Lily Link Lira Little Lively Lo Loan Lock Long Looney Lopes Lord Lore Love Loveless Lovely Loving Low
Luck Luster Lynch Ma Mace Madden Madrigal Magnolia Main Major Majors Mallard Man Manning Manual Many
Maple Maples Marble March Mares Margarita Maria Marina Marine Mark Marker Marks Marlin Marquis Marry
Marsh Martens Martin Martins Marvel Mason Mast Masters Matt Max Maxima May Mayo Maze Mead Meadows Means
Medley Meek Meeker Meg Melody Merchant Mercy Merry Mesa Messenger Messier Meta Mi Mica Mickey Mike Miles
Miller Mills Min Miner Mink Minor Miracle Miss Misty Mix Moats Mock Moll Money Monk Moody Moon More
Morrow Moss Motley Mount Mull Muse My Myrtle Nail Nation Neighbors Nettles New Newton Nick Nickel Nix
Noble Nobles Noel North Nova Novella Nu Null Numbers Oaks Ogle Oh Olive Omega Opal Outlaw Oxford Pa Pace
Pack Packer Paddock Pagan Page Painter Palm Pansy Parent Parish Park Parks Parry Parsley Parson Parsons
Partridge Paschal Pasty Pat Pate Patience Patsy Patty Peace Peacock Peak Pearl Pearly Pease Peck Peek
Peel Peg Pence Penny Peoples Pepper Peppers Person Peter Peters Petty Phoebe Piazza Pickle Pierce Pike
Ping Pinkie Pinto Piper Pippin Pitcher Place Plank Plant Pleasant Pointer Poling Pond Ponder Pool Pope
Porter Post Potter Pounds Power Powers Precious Price Pride Priest Prince Princess Prior Proctor Provost
Prudence Pulley Queen Quick Race Rains Rainwater Randy Ransom Rash Raven Ray Read Reams Rector Redden
Reed Reedy Reel Reeve Reeves Register Reis Rhea Rice Rich Rick Ricks Riddle Rider Rife Ring Rivers Roach
Rob Robin Robins Rock Rocky Rod Roe Roebuck Roger Rogers Roller Romaine Roman Rood Rooks Root Rose
Rosemary Rosette Rosy Rounds Rouse Royal Ruble Ruby Rue Ruff Rule Rush Rushing Rust Rusty Sage Sager
Sales Sally Salmon Salter Sample Samples Sander Sanders Sands Sandy Sang Sari Saucier Savage Savanna
Savannah Sawyer Sawyers Scales Scarlet Seal Seals Seaman Sears Season See Self Sell Sellers Sells
Sessions Settle Settles Sexton Shad Shade Shah Shank Shanks Sharp Shaver Shearer Sheets Shell Shepherd
Sherry Shields Shin Shine Shivers Shoemaker Shook Shore Shores Short Shorter Showers Sibyl Sides Sierra
Sills Silver Silvers Sims Singer Singleton Sink Sites Skipper Slack Slaughter Sledge Small Smalls Smart
Smiley Smith Smothers Snider Snipes Snow So Sol Son Song Sonny Soon South Southern Sowers Sparkle Sparks
Sparrow Spear Spears Speed Spikes Spring Sprinkle Squires Stack Stamps Staples Star Stark Starling Steed
Steel Stein Sterling Stern Steward Stiles Still Stock Stocks Stoker Stokes Stone Stoner Storey Storm
Storms Stormy Story Stout Straight Strain Strait Strand Strange Street Stringer Strong Stump Sturgeon
Styles Sue Summer Summers Sun Sung Sunny Sunshine Swain Swan Swank Sweat Sweet Swift Swindle Swisher Tad
Tam Tan Tang Tanner Tawny Teal Teeter Temple Tequila Terry Thatcher Thorn Thrash Thrasher Tiara Tiller
Tinker Tiny Tom Tong Tony Tower Towns Treat Trice Trinity Trotter Trout Troy True Tuck Tucker Turner
Urban Usher Valentine Van Veal Velvet Vermillion Vest Vi Victor Vigil Villa Vines Vineyard Viola Violet
Viva Waddle Wade Wagoner Waits Waldo Wales Walker Wall Walling Walls Waltz Wan Ward Warden Ware Warren
Waters Watt Watts Way Weathers Weaver Weed Weeks Weir Welch Wells Welsh Wen West Wheat Wheeler Whetstone
White Whitener Whiting Whittle Wick Wicker Wicks Wild Wilder Wiles Will Willow Wills Wilt Windy Wing
Winner Winter Winters Wisdom Wise Withers Wolf Womble Woo Wood Woodcock Wooden Woodman Woods Woody Word
Workman Worth Worthy Wren Wright Yen Yon Young Younger Yuk
"""
)

# Hand-written additions: given names and surnames common among patients in the US that the 1990 census
# files under-represent (South Asian, East and Southeast Asian, West African, Arabic, Hispanic).
EXTRA_GIVEN_NAMES: frozenset[str] = _words(
    """
Mohd Md
Aarav Abdul Abdullah Adaeze Aiko Ajay Akosua Amina Anh Anil Araceli Arun Babajide Bao Bilal Chidi
Chukwuma Divya Duc Esteban Farah Feng Fernanda Folasade Ganesh Guillermo Gurpreet Hadiza Hamza Hana Hao
Harpreet Hyun Ifeoma Ignacio Imran Itzel Jae Jaswinder Jimena Karim Kelechi Kiran Lalita Mahesh Manoj
Manpreet Maricela Marisol Meera Mustafa Nadia Naveen Nguyet Nikhil Nnamdi Obinna Olufemi Parvati Phuong
Prakash Quang Rajesh Ramesh Rania Rodrigo Salma Samir Sandeep Sanjana Shreya Sipho Srinivas Sung Sunil
Suresh Takeshi Tariq Thabo Thuy Tuan Venkat Vijay Vivek Xin Xochitl Yasmeen Yaw Yesenia Yong
"""
)

# A second hand-written batch of given names from outside the United States (Polish, Ukrainian and Russian,
# Balkan, Italian, German and Nordic, Irish, Persian, Arabic, South Asian, Nigerian, Ghanaian, Southern and
# East African, Chinese, Korean, Japanese, Vietnamese, Filipino, Latin American, Pacific, Turkish) and a
# few recent US coinages: visitors present patients from everywhere. None is an English word or a drug name
# (each was checked against the word list behind WORD_NAMES and the clean corpus).
EXTRA_GIVEN_NAMES |= _words(
    """
Abebe Abimbola Achieng Aditya Adwoa Agnieszka Ahmet Aishwarya Akash Akinyi Akira Akua Aleksandr Alemayehu
Alessandro Alexei Alexey Amir Analyn Anand Ananya Anatoly Andrei Andriy Aniket Ankit Aoife Arash Arnel Arvind
Ashok Asif Ayodele Babak Bogdan Bohdan Bojana Bongani Brantley Brayden Burak Chiara Chinonso Chinwe Chioma
Chipo Chukwudi Ciaran Daiki Dariusz Darragh Dayana Deepa Deepika Deniz Dieter Dinesh Diya Dmitry Dorota Dragan
Ebere Ebrahim Efua Ekaterina Elif Emiliano Emine Emre Eoin Eunji Fahad Faisal Farai Farhan Farid Farzana
Federica Florian Freya Gaurav Geeta Gerhard Getachew Giorgos Giulia Goran Grzegorz Haile Hakan Hamid Haoran
Harish Haruka Hatice Helmut Hemant Hiba Hideo Hieu Hina Horst Hossein Huda Hyunwoo Igor Ikechukwu Ishaan
Jagdish Janusz Jaxon Jaylen Jelena Jianguo Jianhua Jiayi Jiho Jisoo Jiwoo Jiyeon Joon Joselito Junaid Junjie
Jurgen Kacper Kaito Kalani Kamau Kamran Kartik Kateryna Kavita Kayden Kayode Kazuki Keoni Kerem Khanh Kinsley
Klaus Kourosh Krzysztof Kumiko Kwabena Kwadwo Kwaku Kwesi Lars Lihua Lindiwe Losaline Ludmila Lukas Lwazi
Lyudmila Madhuri Mahmoud Mahmud Majid Makayla Makoa Mandla Maricel Marites Marko Massimo Mateusz Matteo
Matthias Meenakshi Mehdi Mehmet Meiling Meron Mikhail Milica Mingyu Minji Minjun Mohsen Mukesh Mulugeta Murat
Mwangi Mykola Mylene Nabil Nadeem Nadezhda Nandini Naoki Nasreen Nasrin Naveed Navid Nayeli Nazia Nevaeh Nhung
Niamh Nikola Nikolai Nils Nitin Njeri Nneka Nokuthula Nomvula Nour Oisin Oksana Oleg Oleksandr Olena Olumide
Oluwatobi Omid Omondi Otieno Ozlem Padraig Pankaj Paolo Parisa Pavel Phuc Pradeep Preeti Quynh Radha Rajiv
Rakesh Ramin Rashid Rekha Reza Riku Ritu Rizwan Rodel Ronan Rubina Rutendo Ryker Ryota Saad Sachin Sadia Saeed
Sajid Sangeeta Sangwoo Sanjeev Santosh Saoirse Saurabh Savita Seamus Segun Selam Selin Seojun Seoyeon Sergey
Serhiy Serkan Shabana Shahid Shazia Shirin Shota Sibusiso Siddharth Sione Sneha Sonal Sota Stefano Subhash
Sudhir Sumit Sunhee Sven Swati Szymon Tafadzwa Tahir Takumi Tanvir Taras Tarun Tasnim Temitope Tendai Tesfaye
Tevita Thandiwe Themba Thiago Tigist Titilayo Tolga Tomasz Uchenna Usman Uwe Vandana Vikas Vinod Vivaan
Vladimir Volodymyr Wairimu Walid Wambui Wanjiru Waqar Weiwei Wojciech Wolfgang Xiaoli Xiaoming Xiaoyan
Yamileth Yaroslav Yekaterina Yetunde Yiming Yogesh Youngho Yousef Youssef Yuliana Yuto Yuxuan Zahra Zanele
Zbigniew Zeynep Zhiwei Ziad Zihan Zoran Zubair
"""
)

EXTRA_SURNAMES: frozenset[str] = _words(
    """
Abubakar Adebayo Adeyemi Agarwal Ahmed Ali Asante Aziz Banerjee Bello Bhatt Boateng Bui Chatterjee Chen
Cho Choi Choudhary Chowdhury Dang Das Desai Do Duong Eze Farouk Guo Gupta Haddad Hassan Hoang Horvath
Hosseini Huang Hussain Huynh Ibrahim Islam Ivanov Iyer Jang Joshi Jung Kang Kapoor Khan Khoury Kim
Kobayashi Kowalczyk Kowalski Kumar Lim Lin Liu Luo Malhotra Mansour Mehta Menon Mensah Mohammed
Mukherjee Nair Nakamura Nasser Ngo Nguyen Novak Nowak Nwosu Obi Okafor Okeke Okonkwo Owusu Oyelaran Park
Patel Petrov Pham Phan Pillai Popescu Rahimi Rahman Rao Reddy Saleh Shah Sharma Singh Smirnov Sun Suzuki
Takahashi Tanaka Tran Verma Vu Wang Watanabe Wisniewski Xu Yamamoto Yang Yoon Zhang Zhao Zhou Zhu
"""
)

# A third hand-written batch, written while hardening the guard against names from every culture a visitor
# might meet: Nigerian (Igbo, Yoruba, Hausa), Ghanaian, Indian, Pakistani, Bangladeshi, Filipino,
# Brazilian, Mexican, Egyptian and Arabic, Polish, Ukrainian, Russian, Chinese (pinyin), Vietnamese, Korean,
# Japanese, Turkish, Persian and Ethiopian given names (surnames below), and the virtue names common in
# Nigeria and Ghana ("Blessing", "Comfort", "Patience"), which the guard treats as words unless a name cue
# comes with them. Accented spellings are listed next to the plain ones because visitors type both. Left
# out on purpose: names that are English words or clinical abbreviations ("Son", "Sang", "Hung", "Dung",
# "Long", "Lan", "Min", "Na", "Taro", "Tamer", "Sultana", "Lemma", "Aster", "Can", "Jun", "Loan", "Shin"),
# which would turn ordinary text into hits.
EXTRA_GIVEN_NAMES |= _words(
    """
Chukwuemeka Chinedu Chidinma Chiamaka Nkechi Oluwaseun Oluwadamilare Olamide Oluwakemi Funmilayo Folake
Bukola Babatunde Biodun Dele Femi Tunde Kunle Tolu Emeka Ikenna Obiageli Uzoma Amaka Ebuka Nnenna Ifeanyi
Oghenekaro Efe Osas Osaze Hauwa Zainab Aminu Bashir Habiba Yakubu Danjuma Kehinde Taiwo Idowu Bisi
Damilola Ayomide Toyin Yemi Simisola Ireti Adaobi Onyeka Chidera Somto Amara Uche Chinyere Ngozika
Fiifi Kojo Kwame Ama Abena Esi Yaa Afua Kwasi Kofi Akosua Adjoa Ekow Kobina
Priya Raj Rahul Amit Pooja Neha Rohan Arjun Vikram Sunita Kavya Lakshmi Sanjay Deepak Manish Ravi Aarti
Aditi Ishita Tanvi Vaibhav Varun Harsha Pranav Shweta Smita Sushma Nisha Gopal Venkatesh Balaji
Karthik Lakshman Murali Senthil Selvi Revathi Padma Geetha Jyoti Dilip Girish Simran Navjot Jaspreet
Kuldeep Baljit Harjit Parminder Anjali Rajendra Mahendra Surendra Narendra Jitendra Lalit Hemlata Sarita
Mehwish Rukhsana Ayesha Saima Hira Asma Nasir Shoaib Waseem Zeeshan Kashif Adnan Arshad Shahida Bushra
Farhat Uzma Sadaf Sidra Anum Mahnoor Muhammad Mohammad Mohammed Asad Rafiqul Shafiqul Aminul Mizanur
Mahbub Habibur Nazrul Jahanara Nasima Rokeya Taslima Shahana Fahmida Rahim Rashida Sharmin Moushumi
Rosalinda Rowena Leonora Jinky Jomar Reynaldo Rogelio Danilo Bienvenido Crisanto Imelda Corazon
Luzviminda Teodoro Rizalino Marilou Jerome Mylene Rommel Jericho Ligaya
João Joao Luiz Gabriela Mariana Larissa Letícia Vinicius Vinícius Caio Rafaela Juliana Renata Thais
Thaís Bruna Raimundo Sebastião Conceição Aparecida Antônio Gonçalo Luana Rayane Wellington Cleiton
Guadalupe Ximena Socorro Refugio Esperanza Jesús Ramiro Cuauhtémoc Cuauhtemoc Joaquín Efraín Efrain
Ulises Heriberto Abundio Yolotl Citlali Guillermina Rigoberto Eusebio Remedios
Abdelrahman Abdallah Mostafa Hany Hani Tarek Sherif Wael Ayman Amr Hesham Hisham Osama Khaled Khalid
Yasser Samy Medhat Magdy Fatma Nermeen Heba Noha Marwa Shaimaa Doaa Eman Iman Asmaa Hoda Layla Leila
Noor Rana Reem Hala Maryam Mariam Hussein Khalil Saif Faris Waleed Majed Fadi Rami Bassem Ghassan
Katarzyna Małgorzata Malgorzata Magdalena Grażyna Grazyna Bożena Bozena Jadwiga Krystyna Halina Urszula
Wiesława Zofia Wojtek Piotr Paweł Pawel Marek Andrzej Jacek Jarosław Jaroslaw Mirosław Miroslaw Bartosz
Łukasz Lukasz Michał Michal Maciej Przemysław Przemyslaw Rafał Rafal Sławomir Stanisław Stanislaw
Tadeusz Jerzy Kazimierz Ryszard Czesław
Yuriy Vasyl Petro Dmytro Maksym Nazar Halyna Iryna Nataliya Tetiana Tetyana Svitlana Yuliya Liudmyla
Viktoriia Khrystyna Oleh Ihor Vitaliy Mykhailo Dmitri Dmitriy Sergei Gennady Konstantin Leonid
Dimitri Dimitrios Vyacheslav Stanislav Evgeny Yevgeny Artem Artyom Svetlana Tatiana Tatyana Irina Galina
Yelena Ksenia Larisa Zoya
Xiaohong Xiaojun Xiaowei Xiaomei Xiaoling Guoqiang Zhiqiang Jianjun Jianping Haiyan Hongmei Yanping
Yanling Lijuan Lixia Liping Jinghua Chunhua Qiong Qiang Jing Ying Hui Ming Peng Jie Xiu Zhen Jian Wei
Minh Linh Huong Trang Thao Ngoc Thanh Trung Cuong Huy Khoa Nga Nhi Oanh Tien Uyen Vinh Hoa
Jihoon Haeun Doyun Soojin Hyejin Sungmin Jaewon Donghyun Miyoung Kyungsoo Seunghoon Yeonwoo Minseo
Subin Yerin Chaewon Yuna
Haruto Hinata Sakura Yui Aoi Mei Yuki Haruki Kenji Hiroshi Takashi Kazuo Akio Yoshiko Keiko Yoko
Michiko Naoko Hiroko Tomoko Noriko Mayumi Ayumi Emiko Kaori Megumi Satoshi Daisuke Shinji Tetsuya Kenta
Yuichi Koji Masato Ryo Ichiro Yusuke Shohei Akane Misaki Nanami Rina Hikari Asuka
Hüseyin Huseyin İbrahim Ömer Omer Ramazan Halil Süleyman Suleyman Mahmut Recep Salih Fatih Kadir Kemal
Cem Oğuz Oguz Volkan Onur Baris Uğur Ugur Gökhan Gokhan Selim Levent Erkan Tuncay Ayşe Ayse Meryem
Şerife Serife Zehra Hülya Hulya Esra Büşra Busra Merve Özlem Derya Gül Songül Songul Sevgi Dilek Aysel
Gülşen Nurcan Tuğba Tugba Ebru Sibel Pinar Yasemin Ceren Ece
Dariush Behnam Behrouz Bijan Farhad Farshid Jafar Kaveh Mehran Morteza Nader Payam Pouya Shahram Siavash
Soheil Vahid Azadeh Fariba Farnaz Fatemeh Golnar Haleh Ladan Mahnaz Mahsa Minoo Neda Niloufar Parvin
Roya Sahar Shabnam Shadi Simin Soheila Tahereh Yasaman Ziba
Tsegaye Girma Tadesse Kebede Tekle Dawit Yohannes Berhanu Ermias Fikru Gebre Hailu Kassahun Negash
Tefera Teshome Worku Yared Zewdu Hiwot Almaz Hirut Meseret Mekdes Senait Tsion Yeshi Yodit Azeb Tsehay
Birtukan
Blessing Comfort Patience Precious Gift Favour Praise Goodluck Godswill Princess Peace Wisdom Mercy
Prosper Testimony Miracle Loveth Abdullahi Abdulkadir Haruna Idris Nasiru Shehu Jibril Mustapha Halima
Rukayya Bilkisu Binta Umar Sani Garba Musa
"""
)

EXTRA_SURNAMES |= _words(
    """
Adeleke Adebanjo Adewale Afolabi Akinola Akande Ajayi Babalola Balogun Ogunleye Olawale Oladipo Oyewole
Okoro Nwachukwu Nwankwo Onyekachi Ezeh Chukwu Ibekwe Udeh Okoye Igwe Anyanwu Danladi Lawal Aliyu
Ogbu Odukoya Adesina Fashola Oyedepo Osagie Omoruyi Oyelowo Olaniyan Ogundipe Onwuegbu Obiora Nnaji
Musa Sani Garba Umar Haruna Idris Shehu Abdullahi Mustapha Suleiman Yakubu Danjuma
Ansah Appiah Osei Asamoah Agyeman Ofori Acheampong Darko Quaye Amoah Adjei Bonsu Frimpong Gyamfi Antwi
Addo Sarpong Amponsah
Iyengar Naidu Krishnan Subramanian Venkatesh Srinivasan Raghavan Natarajan Ramaswamy Chandrasekhar
Bhattacharya Ghosh Bose Sen Dutta Mitra Chakraborty Sinha Mishra Tiwari Pandey Dubey Trivedi Chaturvedi
Yadav Chauhan Rathore Thakur Saxena Srivastava Agrawal Goyal Bansal Jain Patil Kulkarni Deshpande
Gokhale Kaur Sandhu Dhillon Sidhu Grewal Bajwa Sethi Khanna Arora Kohli Bhatia Chopra Ramachandran
Qureshi Siddiqui Malik Chaudhry Raza Abbasi Akhtar Iqbal Javed Aslam Ashraf Anwar Mirza Baig Hashmi
Rizvi Jafri Naqvi Bukhari Awan Khattak Yousafzai Afridi Durrani Niazi Gondal Cheema Warraich
Begum Khatun Akter Hossain Uddin Sarkar Talukder Mollah Bhuiyan Miah Alam Haque Hoque Kabir Sikder
Santos Bautista Ocampo Aquino Villanueva Manalo Macapagal Dimaculangan Pangilinan Soriano Panganiban
Magbanua Tolentino Lacson Salonga Dizon Pascual Mangubat Dimagiba Sison Evangelista Manansala
Oliveira Souza Sousa Silva Ferreira Pereira Rodrigues Almeida Nascimento Araújo Araujo Carvalho Gomes
Ribeiro Rocha Barbosa Cardoso Teixeira Correia Cavalcanti Moreira Nunes Monteiro Mendes Freitas Vieira
Azevedo Gonçalves Goncalves Moura Barros
Hernández García López Martínez González Rodríguez Pérez Sánchez Ramírez Gómez Díaz Vázquez Gutiérrez
Chávez Jiménez Castañeda Castaneda Juárez Domínguez Ríos Zúñiga Zuniga Ibarra Villalobos Quintero
Cisneros Camacho Trejo Valenzuela Orozco Cervantes Arellano Galindo Villaseñor Villasenor
Mostafa Abdelaziz Abdelhamid ElSayed El-Sayed Elsayed Hamdy Fathy Shehata Soliman Suleiman Farag Gaber
Ghoneim Nassar Hamdan Odeh Qasem Darwish Barakat Habib Khalil Jaber Shaheen Abboud Salameh Masri
Al-Masri Hijazi Tawfik Zaki Shawky Morsi Abdullah Abdelrahman
Wójcik Wojcik Kamiński Kaminski Lewandowski Zieliński Zielinski Szymański Szymanski Woźniak Wozniak
Dąbrowski Dabrowski Kozłowski Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski
Nowakowski Pawłowski Pawlowski Michalski Nowicki Adamczyk Dudek Zając Zajac Wieczorek Jabłoński
Jablonski Majewski Olszewski Jaworski Wróbel Wrobel Malinowski Pawlak Witkowski Walczak Stępień
Stepien Górski Gorski Rutkowski Michalak Sikora Ostrowski Szewczyk Tomaszewski Pietrzak Marciniak
Zalewski Jakubowski Sadowski Chmielewski Włodarczyk Borkowski Czarnecki Sawicki Kubiak Maciejewski
Szczepański Szczepanski Kucharski Kalinowski Wysocki Kaźmierczak Kazmierczak Wasilewski Sobczak
Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Boyko Kovalchuk Oliynyk Shevchuk Polishchuk Melnyk
Lysenko Marchenko Rudenko Savchenko Petrenko Kuzmenko Pavlenko Kravets Tkachuk Hrytsenko Yaremchuk
Fedorenko Sydorenko Zinchenko Ponomarenko Vasylenko Klymenko Hnatyuk
Sokolov Sokolova Kuznetsov Kuznetsova Popov Popova Vasiliev Vasilieva Petrova Smirnova Ivanova Mikhailov
Fedorov Fedorova Morozov Morozova Volkov Volkova Alekseev Lebedev Semenov Egorov Kozlov Stepanov Nikolaev
Orlov Andreev Makarov Nikitin Zakharov Zaitsev Solovyov Borisov Yakovlev Grigoriev Vorobyov Sergeev
Frolov Dmitriev Korolev Kiselev Maximov Polyakov Sorokin Vinogradov Kovalev Medvedev Tarasov Zhukov
Baranov Filippov Komarov Davydov Gerasimov Bogdanov Osipov Sidorov Matveev Mironov Krylov Kulikov
Karpov Vlasov Melnikov Denisov Gavrilov Tikhonov Kazakov
Wu Gao Zheng Liang Xie Feng Deng Cao Zeng Xiao Tian Dong Yuan Cai Jiang Cheng Shen Yao Cui Zhong
Liao Xiong Qiu Qin
Vo Truong Dinh Luong Trinh
Han Seo Kwon Hwang Ahn Yoo Jeon Baek Heo Kwak Ryu Chung
Sato Ito Kato Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori
Ikeda Ishikawa Ogawa Fujita Okada Goto Hasegawa Murakami Kondo Ishii Saito Sakamoto Aoki Fujii
Nishimura Fukuda Ota Miura Fujiwara Okamoto Matsuda Nakagawa Nakano Harada Tamura Takeuchi Kaneko Wada
Nakayama Ishida Ueda Morita Shibata Sakai Kudo Yokoyama Miyazaki Miyamoto Uchida Takagi Ando Taniguchi
Maruyama Imai Fujimoto Takeda Murata Ueno Sugiyama Masuda Hirano Otsuka Kinoshita Noguchi Nomura Kikuchi
Yilmaz Kaya Demir Şahin Sahin Çelik Celik Yildiz Yildirim Öztürk Ozturk
Aydin Özdemir Ozdemir Arslan Doğan Dogan Kilic Aslan Çetin Cetin Koç Özkan Ozkan Şimşek Simsek
Polat Korkmaz Karakaya Erdoğan Erdogan Güneş Gunes Aksoy Keskin Tekin Ünal Unal Bulut Turan Güler
Guler Yavuz Bozkurt Erdem Toprak Coşkun Coskun
Karimi Rezaei Rezaee Mohammadi Ahmadi Jafari Moradi Sadeghi Ghorbani Hashemi Heidari Kazemi Mousavi
Najafi Rostami Safari Shirazi Tehrani Esfahani Amini Azizi Bagheri Davoudi Ebrahimi Farahani Ghasemi
Hamidi Jalali Kamali Karami Khosravi Mirzaei Nouri Rahmani Salehi Sharifi Soltani Taheri Yazdani Zamani
Asadi Akbari Alavi Bahrami Daneshvar Hakimi Javadi Kiani Mahdavi Nazari Tavakoli Vaziri
Bekele Girma Tadesse Kebede Tekle Gebremedhin Gebreyesus Hailu Kassahun Mekonnen Negash Tefera Teshome
Wolde Worku Asfaw Assefa Ayele Demissie Desta Fikadu Gebremariam Kidane Mengistu Tilahun Woldemariam
"""
)

# Turkish spellings with the dotless "\u0131" (written as escapes so the source stays unambiguous to read).
EXTRA_GIVEN_NAMES |= _words("Bar\u0131\u015f P\u0131nar")
EXTRA_SURNAMES |= _words(
    "Y\u0131lmaz Y\u0131ld\u0131z Y\u0131ld\u0131r\u0131m Ayd\u0131n K\u0131l\u0131\u00e7 Ak\u0131n"
)
